-- Fields a business adds to its customers and tickets (a gate code, a pet's name, a building type): the owner defines
-- each one (a stable key, a label, a type, the options of a choice), and the values live beside the record's own
-- columns as one JSON object keyed by the field's key. Values of a closed ticket stay as they were: the ticket's
-- guard refuses every update of a closed row, custom_fields included.
create table custom_field_definitions (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  -- contact: every customer; person or organization: customers of that kind only; ticket: appointments.
  applies_to text not null check (applies_to in ('contact', 'person', 'organization', 'ticket')),
  -- One key per business, whatever record it is on: a key names one thing.
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label text not null check (length(trim(label)) between 1 and 100),
  field_type text not null check (field_type in ('text', 'number', 'date', 'choice', 'yes_no')),
  options text[] not null default '{}' check (cardinality(options) <= 50),
  required boolean not null default false,
  position int not null default 0,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, key),
  -- A choice lists its options; no other type has any.
  check ((field_type = 'choice') = (cardinality(options) > 0))
);
create index custom_field_definitions_listed on custom_field_definitions (tenant_id, applies_to, position, key);
create trigger custom_field_definitions_updated_at before update on custom_field_definitions
  for each row execute function set_updated_at();
create trigger custom_field_definitions_redact_label before insert or update of label on custom_field_definitions
  for each row execute function redact_sensitive_column('label', 'custom_field');
alter table custom_field_definitions enable row level security;
alter table custom_field_definitions force row level security;
create policy tenant_rows on custom_field_definitions using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
-- Definitions are archived, never deleted: values already written keep their meaning.
grant select, insert, update on custom_field_definitions to crm_app;

alter table contacts add column custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object');
alter table tickets add column custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object');

-- Text values are typed by people like notes are: card numbers and SSNs in any string value are redacted here too.
create function redact_custom_fields() returns trigger language plpgsql as $$
declare
  k text;
  v jsonb;
  r record;
  cards int := 0;
  ssns int := 0;
  actor text := nullif(current_setting('app.actor_id', true), '');
begin
  for k, v in select e.key, e.value from jsonb_each(new.custom_fields) e where jsonb_typeof(e.value) = 'string' loop
    select * into r from redact_sensitive(v #>> '{}');
    if r.cards > 0 or r.ssns > 0 then
      new.custom_fields := jsonb_set(new.custom_fields, array[k], to_jsonb(r.redacted));
      cards := cards + r.cards;
      ssns := ssns + r.ssns;
    end if;
  end loop;
  if cards = 0 and ssns = 0 then
    return new;
  end if;
  insert into security_events (tenant_id, kind, layer, entity_type, entity_id, field, detail, actor_type, actor_id, request_id)
  select new.tenant_id, f.kind, 'database', tg_argv[0], new.id, 'custom_fields', jsonb_build_object('count', f.count, 'table', tg_table_name),
    nullif(current_setting('app.actor_type', true), ''),
    case when actor ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then actor::uuid end,
    nullif(current_setting('app.request_id', true), '')
  from (values ('card', cards), ('ssn', ssns)) f (kind, count)
  where f.count > 0;
  return new;
end $$;
create trigger contacts_redact_custom_fields before insert or update of custom_fields on contacts
  for each row execute function redact_custom_fields('contact');
create trigger tickets_redact_custom_fields before insert or update of custom_fields on tickets
  for each row execute function redact_custom_fields('ticket');

-- Filters by a field's value go through these indexes. As in 0034, the business goes in as a one-element array (GIN
-- takes no uuid without btree_gin), and under forced row level security the planner would not use `@>` or `?` as an
-- index condition, so the lookups below run as the owner and keep to the caller's business themselves.
create index contacts_custom_fields on contacts using gin ((array[tenant_id]), custom_fields) where custom_fields <> '{}';
create index tickets_custom_fields on tickets using gin ((array[tenant_id]), custom_fields) where custom_fields <> '{}';

-- Contacts of the caller's business whose custom fields hold p_value (a one-key object, e.g. {"gate_code": "4821"}),
-- or, with p_value null, that have any value for p_key.
create function contact_ids_with_custom_value(p_key text, p_value jsonb) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
begin
  if v_tenant is null or p_key is null then return; end if;
  if p_value is null then
    return query select c.id from contacts c
      where array[c.tenant_id] = array[v_tenant] and c.custom_fields <> '{}' and c.custom_fields ? p_key;
  else
    return query select c.id from contacts c
      where array[c.tenant_id] = array[v_tenant] and c.custom_fields <> '{}' and c.custom_fields @> jsonb_build_object(p_key, p_value);
  end if;
end $$;

-- The same for tickets.
create function ticket_ids_with_custom_value(p_key text, p_value jsonb) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
begin
  if v_tenant is null or p_key is null then return; end if;
  if p_value is null then
    return query select t.id from tickets t
      where array[t.tenant_id] = array[v_tenant] and t.custom_fields <> '{}' and t.custom_fields ? p_key;
  else
    return query select t.id from tickets t
      where array[t.tenant_id] = array[v_tenant] and t.custom_fields <> '{}' and t.custom_fields @> jsonb_build_object(p_key, p_value);
  end if;
end $$;
revoke all on function contact_ids_with_custom_value(text, jsonb), ticket_ids_with_custom_value(text, jsonb) from public;
grant execute on function contact_ids_with_custom_value(text, jsonb), ticket_ids_with_custom_value(text, jsonb) to crm_app;
