-- Reach-outs that trigger themselves. A rule names who is due (a time since their last visit, a neighborhood whose
-- bookings fell against last year, or a season's end on a date) and what they are sent. Once a day each rule that is on
-- gathers that day's customers into a batch: it waits for the owner (or an agent the owner allows) unless the owner
-- turned the rule on to send by itself, at most its daily cap a day. A customer gets at most one automatic reach-out in
-- the owner's period, and none once they asked for no more.

alter table tenants add column reach_out_period_days int not null default 30 check (reach_out_period_days between 1 and 365);

alter table contacts add column reach_out_opt_out_at timestamptz;

create table reach_out_rules (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 120),
  trigger text not null check (trigger in ('no_visit', 'service_due', 'neighborhood_drop', 'season_end')),
  months int check (months between 1 and 60),
  service_id uuid,
  drop_percent int check (drop_percent between 1 and 100),
  season_end text check (season_end ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
  segment_id uuid,
  template_id uuid,
  subject text,
  body text,
  status text not null default 'off' check (status in ('off', 'on')),
  automatic boolean not null default false,
  daily_cap int not null default 20 check (daily_cap between 1 and 500),
  last_run_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id),
  foreign key (tenant_id, segment_id) references segments (tenant_id, id),
  foreign key (tenant_id, template_id) references message_templates (tenant_id, id),
  check ((trigger in ('no_visit', 'service_due')) = (months is not null)),
  check ((trigger = 'service_due') = (service_id is not null)),
  check ((trigger = 'neighborhood_drop') = (drop_percent is not null)),
  check ((trigger = 'season_end') = (season_end is not null))
);
create unique index reach_out_rules_name on reach_out_rules (tenant_id, lower(name));
create index reach_out_rules_on on reach_out_rules (tenant_id) where status = 'on';

create table reach_out_batches (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  rule_id uuid not null,
  run_on date not null,
  status text not null default 'waiting' check (status in ('waiting', 'sent', 'dismissed')),
  recipient_count int not null,
  held_back int not null default 0,
  sent_count int,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, rule_id, run_on),
  foreign key (tenant_id, rule_id) references reach_out_rules (tenant_id, id) on delete cascade
);
create index reach_out_batches_waiting on reach_out_batches (tenant_id, created_at) where status = 'waiting';

create table reach_out_recipients (
  tenant_id uuid not null references tenants (id),
  batch_id uuid not null,
  contact_id uuid not null,
  why text not null,
  message_id uuid,
  primary key (tenant_id, batch_id, contact_id),
  foreign key (tenant_id, batch_id) references reach_out_batches (tenant_id, id) on delete cascade,
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade
);
create index reach_out_recipients_contact on reach_out_recipients (tenant_id, contact_id);

alter table scheduled_messages add column reach_out_batch_id uuid,
  add foreign key (tenant_id, reach_out_batch_id) references reach_out_batches (tenant_id, id) on delete set null;
create unique index scheduled_messages_reach_out_batch on scheduled_messages (tenant_id, reach_out_batch_id, contact_id)
  where reach_out_batch_id is not null;

do $$
declare t text;
begin
  foreach t in array array['reach_out_rules', 'reach_out_batches', 'reach_out_recipients'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_rows on %I using (tenant_id = app_tenant()) with check (tenant_id = app_tenant())', t);
    execute format('grant select, insert, update, delete on %I to crm_app', t);
  end loop;
end $$;

-- The businesses with a rule on: the worker reads no business's rows before it knows which to open.
do $$ begin
  execute format('create policy reach_out_scan on reach_out_rules for select to %I using (app_lookup(''reach_out_scan'') = ''on'')', current_user);
end $$;
create function tenants_with_reach_out_rules() returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_reach_out_scan', 'on', true);
  return query select distinct r.tenant_id from reach_out_rules r where r.status = 'on';
  perform set_config('app.lookup_reach_out_scan', '', true);
end $$;
revoke all on function tenants_with_reach_out_rules() from public;
grant execute on function tenants_with_reach_out_rules() to crm_worker;
