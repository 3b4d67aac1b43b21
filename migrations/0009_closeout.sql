-- Technician close-out: the state of a close-out between its steps (it survives a dropped connection and a reload;
-- the ticket itself closes only at the complete step), and the tokens each business's model calls spend.

create table closeouts (
  tenant_id uuid not null,
  ticket_id uuid not null,
  started_by uuid,
  -- The technician's answers so far: work (duration, lines, price confirmation), notes, next service, extraction,
  -- attribute decisions. Shape owned by core/domains/closeouts/model.ts.
  state jsonb not null default '{}' check (jsonb_typeof(state) = 'object'),
  steps_done text[] not null default '{}',
  completed_at timestamptz,
  -- What closing created: next ticket, reach-out message, attributes, note.
  result jsonb,
  payment_choice text check (payment_choice in ('send_invoice', 'pay_now', 'skip')),
  skip_reason text check (skip_reason in ('paid_already', 'handled_separately', 'other')),
  payment_note text,
  invoice_id uuid,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, ticket_id),
  check ((payment_choice is null) = (finished_at is null)),
  check (finished_at is null or completed_at is not null),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  foreign key (tenant_id, started_by) references users (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create trigger closeouts_updated_at before update on closeouts for each row execute function set_updated_at();

-- Notes waiting in a close-out are free text like any other: the last defense redacts them here too.
create function redact_closeout_notes() returns trigger language plpgsql as $$
declare
  r record;
  actor text := nullif(current_setting('app.actor_id', true), '');
begin
  if new.state ->> 'notes' is null then
    return new;
  end if;
  select * into r from redact_sensitive(new.state ->> 'notes');
  if r.cards = 0 and r.ssns = 0 then
    return new;
  end if;
  new.state := jsonb_set(new.state, '{notes}', to_jsonb(r.redacted));
  insert into security_events (tenant_id, kind, layer, entity_type, entity_id, field, detail, actor_type, actor_id, request_id)
  select new.tenant_id, f.kind, 'database', 'closeout', new.ticket_id, 'state.notes', jsonb_build_object('count', f.count, 'table', tg_table_name),
    nullif(current_setting('app.actor_type', true), ''),
    case when actor ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then actor::uuid end,
    nullif(current_setting('app.request_id', true), '')
  from (values ('card', r.cards), ('ssn', r.ssns)) f (kind, count)
  where f.count > 0;
  return new;
end $$;
create trigger closeouts_redact_sensitive before insert or update of state on closeouts
  for each row execute function redact_closeout_notes();

-- One row per model call: who spent how many tokens on what, and whether the answer was usable.
create table llm_usage (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  purpose text not null,
  model text not null,
  prompt_tokens int not null default 0 check (prompt_tokens >= 0),
  completion_tokens int not null default 0 check (completion_tokens >= 0),
  outcome text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index llm_usage_month on llm_usage (tenant_id, created_at);

alter table closeouts enable row level security;
alter table closeouts force row level security;
create policy tenant_rows on closeouts using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on closeouts to crm_app;

alter table llm_usage enable row level security;
alter table llm_usage force row level security;
create policy tenant_rows on llm_usage using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert on llm_usage to crm_app;
