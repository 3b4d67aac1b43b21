-- Archived state is stored one way, as archived_at (as addresses, invoices, message templates and interactions keep it).
-- Services move to it: a service archived before keeps the time it last changed as when it was archived. status stays
-- readable, derived from archived_at, so every query and lookup that reads status = 'active' answers as before; nothing
-- can write it any more.
alter table services add column archived_at timestamptz;
update services set archived_at = updated_at where status = 'archived';
drop index services_name;
alter table services drop column status;
alter table services add column status text not null
  generated always as (case when archived_at is null then 'active' else 'archived' end) stored;
create unique index services_name on services (tenant_id, lower(name)) where archived_at is null;
