-- Sales opportunities: a job the business hopes to win, for a customer and/or the lead it came from, moving through
-- stages to won or lost. The amount is integer cents in the business's currency at the time; probability weighs it
-- in the forecast. A won or lost opportunity says why and when it closed.
create table opportunities (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  title text not null check (length(trim(title)) between 1 and 200),
  contact_id uuid,
  lead_id uuid,
  stage text not null check (stage in ('qualification', 'estimating', 'proposal_sent', 'negotiating', 'scheduled', 'won', 'lost')),
  amount_cents int not null default 0 check (amount_cents >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  probability int not null check (probability between 0 and 100),
  expected_close_on date,
  assignee_id uuid,
  close_reason text check (length(close_reason) <= 500),
  closed_at timestamptz,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (num_nonnulls(contact_id, lead_id) >= 1),
  -- Won and lost are the closed stages: only they, and always they, carry when and why.
  check ((stage in ('won', 'lost')) = (closed_at is not null)),
  check ((stage in ('won', 'lost')) = (close_reason is not null)),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, lead_id) references leads (tenant_id, id),
  foreign key (tenant_id, assignee_id) references users (tenant_id, id)
);
create index opportunities_recent on opportunities (tenant_id, created_at desc, id desc);
create index opportunities_stage on opportunities (tenant_id, stage, expected_close_on) where archived_at is null;
create index opportunities_contact on opportunities (tenant_id, contact_id) where contact_id is not null;
create index opportunities_lead on opportunities (tenant_id, lead_id) where lead_id is not null;
create trigger opportunities_updated_at before update on opportunities for each row execute function set_updated_at();
create trigger opportunities_redact_title before insert or update of title on opportunities
  for each row execute function redact_sensitive_column('title', 'opportunity');
create trigger opportunities_redact_close_reason before insert or update of close_reason on opportunities
  for each row execute function redact_sensitive_column('close_reason', 'opportunity');
alter table opportunities enable row level security;
alter table opportunities force row level security;
create policy tenant_rows on opportunities using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on opportunities to crm_app;
