-- Calls, emails, texts, meetings and notes with a customer or a lead, as the person who had them tells it: which way it
-- went, what came of it, and when to follow up. Email the product sends itself is in scheduled_messages; this is the
-- conversation around it (a call back, a site meeting, an email from the owner's own inbox).
create table interactions (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  contact_id uuid,
  lead_id uuid,
  kind text not null check (kind in ('call', 'email', 'text', 'meeting', 'note')),
  direction text check (direction in ('inbound', 'outbound')),
  occurred_at timestamptz not null,
  duration_minutes int check (duration_minutes between 0 and 1440),
  subject text check (length(subject) <= 300),
  summary text not null check (length(trim(summary)) > 0),
  outcome text check (length(outcome) <= 300),
  follow_up_on date,
  follow_up_done_at timestamptz,
  author_type text not null check (author_type in ('user', 'agent', 'system')),
  author_id uuid,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (num_nonnulls(contact_id, lead_id) = 1),
  -- A call, an email or a text went one way or the other; a meeting or a note need not say.
  check (kind in ('meeting', 'note') or direction is not null),
  check (follow_up_done_at is null or follow_up_on is not null),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, lead_id) references leads (tenant_id, id)
);
create index interactions_contact on interactions (tenant_id, contact_id, occurred_at desc) where contact_id is not null;
create index interactions_lead on interactions (tenant_id, lead_id, occurred_at desc) where lead_id is not null;
create index interactions_recent on interactions (tenant_id, occurred_at desc);
create index interactions_follow_up on interactions (tenant_id, follow_up_on)
  where follow_up_on is not null and follow_up_done_at is null and archived_at is null;
create trigger interactions_updated_at before update on interactions for each row execute function set_updated_at();
create trigger interactions_redact_summary before insert or update of summary on interactions
  for each row execute function redact_sensitive_column('summary', 'interaction');
alter table interactions enable row level security;
alter table interactions force row level security;
create policy tenant_rows on interactions using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on interactions to crm_app;
