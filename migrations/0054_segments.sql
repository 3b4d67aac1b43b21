-- Named lists of customers. A manual segment holds the contacts someone put in it; a rule segment holds the contacts its
-- rule (the contacts list's filters, stored as JSON) matched when it was last computed. Both keep their members in
-- segment_members, so reading a segment, its count or its members is an index lookup whatever the rule; a rule segment is
-- recomputed when saved, when refreshed, before a send and by the worker, and says when (computed_at).
create table segments (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(trim(name)) between 1 and 100),
  description text check (length(description) <= 1000),
  kind text not null check (kind in ('manual', 'rule')),
  rule jsonb check (rule is null or jsonb_typeof(rule) = 'object'),
  member_count int not null default 0 check (member_count >= 0),
  computed_at timestamptz,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check ((kind = 'rule') = (rule is not null))
);
create unique index segments_name on segments (tenant_id, lower(name)) where archived_at is null;
create index segments_rule on segments (tenant_id) where kind = 'rule' and archived_at is null;
create trigger segments_updated_at before update on segments for each row execute function set_updated_at();
create trigger segments_redact_description before insert or update of description on segments
  for each row execute function redact_sensitive_column('description', 'segment');
alter table segments enable row level security;
alter table segments force row level security;
create policy tenant_rows on segments using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on segments to crm_app;

-- A contact in a segment. Being on a list is not history: deleting the contact takes it off.
create table segment_members (
  tenant_id uuid not null,
  segment_id uuid not null,
  contact_id uuid not null,
  added_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, segment_id, contact_id),
  foreign key (tenant_id, segment_id) references segments (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade
);
create index segment_members_contact on segment_members (tenant_id, contact_id);
create trigger segment_members_updated_at before update on segment_members for each row execute function set_updated_at();
alter table segment_members enable row level security;
alter table segment_members force row level security;
create policy tenant_rows on segment_members using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on segment_members to crm_app;

-- The businesses with a rule segment in use, for the worker, which then recomputes each business's rule segments inside
-- that business's own transaction.
create function tenants_with_rule_segments() returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_segment_scan', 'on', true);
  return query select distinct s.tenant_id from segments s where s.kind = 'rule' and s.archived_at is null;
  perform set_config('app.lookup_segment_scan', '', true);
end $$;
revoke all on function tenants_with_rule_segments() from public;
grant execute on function tenants_with_rule_segments() to crm_worker;

-- As for the worker's other scans: rows are admitted only to the function's owner while its lookup flag is set.
do $$ begin
  execute format('create policy segment_scan on segments for select to %I using (app_lookup(''segment_scan'') = ''on'')', current_user);
end $$;
