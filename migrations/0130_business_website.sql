-- The business's own web site: customers may be pointed at it (and at its phone and email) by any words, while an
-- agent's words that name another site, phone, address or account wait for the owner.
alter table tenants add column website text check (website is null or length(website) <= 300);
