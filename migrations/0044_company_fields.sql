-- Company fields of an organization: legal name, industry, website, tax id and where its invoices go. A person has
-- none of them. Industry is stored trimmed and in lower case, so the industry filter is an equality on an index.
alter table contacts
  add column legal_name text check (length(trim(legal_name)) between 1 and 200),
  add column industry text check (industry = lower(trim(industry)) and length(industry) between 1 and 100),
  add column website text check (length(website) between 1 and 300),
  add column tax_id text check (length(trim(tax_id)) between 1 and 50),
  add column billing_address jsonb check (jsonb_typeof(billing_address) = 'object'),
  add constraint contacts_company_fields_on_organizations
    check (kind = 'organization' or num_nonnulls(legal_name, industry, website, tax_id, billing_address) = 0);
create index contacts_industry on contacts (tenant_id, industry) where industry is not null;
create trigger contacts_redact_legal_name before insert or update of legal_name on contacts
  for each row execute function redact_sensitive_column('legal_name', 'contact');
create trigger contacts_redact_tax_id before insert or update of tax_id on contacts
  for each row execute function redact_sensitive_column('tax_id', 'contact');
