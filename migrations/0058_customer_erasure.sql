-- Erasing a customer on their request: their personal data removed or replaced wherever it is held, the amounts and
-- numbers of their invoices kept for the books, and one record that it happened (who, when, how many rows) which holds
-- none of the erased data.
--
-- Most of what is erased is an ordinary update, but part of it is deliberately unchangeable: the audit log is
-- append-only, a closed ticket never changes, and the email outbox and the provider's events are insert-only for the app
-- role. erase_customer() runs as the owner of the tables and is the one path through those rules: the triggers let a
-- change through only while the transaction names an erasure of this business (app.erasure_id) AND the statement runs
-- as that owner, which the app role never is; and even then only the erased columns may change.

alter table contacts add column erased_at timestamptz;

create table erasures (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  erased_by uuid,
  -- How many rows each table had changed, e.g. {"notes": 3, "audit_log": 12}: counts only, never values.
  rows_changed jsonb not null default '{}' check (jsonb_typeof(rows_changed) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, erased_by) references users (tenant_id, id)
);
create unique index erasures_contact on erasures (tenant_id, contact_id);
create trigger erasures_updated_at before update on erasures for each row execute function set_updated_at();
alter table erasures enable row level security;
alter table erasures force row level security;
create policy tenant_rows on erasures using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert on erasures to crm_app;
grant update (rows_changed) on erasures to crm_app;

-- The text, or '[erased]' when it holds any of the given values (in any case).
create function erased_text(t text, vals text[]) returns text language sql immutable as $$
  select case when t is not null and exists (select 1 from unnest(vals) v where position(lower(v) in lower(t)) > 0) then '[erased]' else t end
$$;

-- The JSON value with every string that holds one of the given values replaced by '[erased]'; keys and other values kept.
create function erased_json(j jsonb, vals text[]) returns jsonb language plpgsql immutable as $$
begin
  case jsonb_typeof(j)
    when 'string' then return to_jsonb(erased_text(j #>> '{}', vals));
    when 'object' then return coalesce((select jsonb_object_agg(k, erased_json(x, vals)) from jsonb_each(j) e (k, x)), '{}'::jsonb);
    when 'array' then return coalesce((select jsonb_agg(erased_json(x, vals) order by n) from jsonb_array_elements(j) with ordinality a (x, n)), '[]'::jsonb);
    else return j;
  end case;
end $$;

-- The audit changes ({field: {old, new}}) with every text under the given fields replaced by '[erased]', at any depth.
create function erased_fields(changes jsonb, fields text[]) returns jsonb language sql immutable as $$
  select case when jsonb_typeof(changes) <> 'object' then changes else
    coalesce((select jsonb_object_agg(k, case when k = any(fields) then erased_json(x, array['']) else x end) from jsonb_each(changes) e (k, x)), '{}'::jsonb)
  end
$$;

-- True only inside erase_customer(): the transaction names an erasure of this business (of this contact, when given)
-- and the statement runs as the tables' owner, never as the app role.
create function erasure_under_way(p_tenant uuid, p_contact uuid) returns boolean language sql stable as $$
  select current_user <> 'crm_app' and exists (
    select 1 from erasures e where e.tenant_id = p_tenant and e.id::text = current_setting('app.erasure_id', true)
      and (p_contact is null or e.contact_id = p_contact))
$$;

-- Append-only, as in 0001, except for an erasure rewriting the changes and reasoning of existing rows.
create or replace function refuse_audit_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and erasure_under_way(old.tenant_id, null)
     and (to_jsonb(new) - 'changes' - 'reasoning') = (to_jsonb(old) - 'changes' - 'reasoning') then
    return new;
  end if;
  raise exception 'the audit log is append-only' using errcode = 'CR001';
end $$;

-- As in 0021, plus: an erasure may clear the free text of its customer's closed tickets, and nothing else of them.
create or replace function refuse_closed_ticket_change() returns trigger language plpgsql as $$
declare closed timestamptz;
begin
  if tg_table_name = 'tickets' then
    closed := old.closed_at;
    if closed is not null and tg_op = 'UPDATE' and new.tenant_id = old.tenant_id
       and new.contact_id is distinct from old.contact_id
       and (to_jsonb(new) - 'contact_id' - 'updated_at') = (to_jsonb(old) - 'contact_id' - 'updated_at')
       and exists (select 1 from contacts c where c.tenant_id = old.tenant_id and c.id = old.contact_id and c.merged_into = new.contact_id) then
      return new;
    end if;
    if closed is not null and tg_op = 'UPDATE' and erasure_under_way(old.tenant_id, old.contact_id)
       and (to_jsonb(new) - 'notes' - 'confirmation_note' - 'cancel_reason' - 'updated_at')
         = (to_jsonb(old) - 'notes' - 'confirmation_note' - 'cancel_reason' - 'updated_at') then
      return new;
    end if;
  else
    select t.closed_at into closed from tickets t where t.tenant_id = old.tenant_id and t.id = old.ticket_id;
    if closed is null and tg_op = 'UPDATE' then
      select t.closed_at into closed from tickets t where t.tenant_id = new.tenant_id and t.id = new.ticket_id;
    end if;
  end if;
  if closed is not null then
    raise exception 'ticket is closed and cannot change' using errcode = 'CR001';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;

-- Erases the customer of the given erasure (a row of the transaction's business, for a customer not yet erased), with
-- the contacts merged into them: returns how many rows of each table changed. Search entries follow through their
-- triggers. Values are matched in any case: every personal value rewrites the customer's own records' audit rows; the
-- values that name them (name, email, phone, street) rewrite any audit row, queued call or stored response of the business.
create function erase_customer(p_erasure uuid, p_now timestamptz) returns jsonb
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_tenant uuid := app_tenant();
  v_contact uuid;
  people uuid[];
  tix uuid[];
  invs uuid[];
  lds uuid[];
  msgs uuid[];
  own uuid[];
  idents text[];
  vals text[];
  mail_to text[];
  counts jsonb := '{}';
  changed int;
  -- The fields of the audited records that hold what people typed or said about the customer.
  personal text[] := array['display_name', 'first_name', 'last_name', 'email', 'emails', 'phone', 'phones', 'preferences', 'tags', 'source',
    'about', 'notes', 'note', 'label', 'line1', 'line2', 'city', 'state', 'postal_code', 'access_notes', 'value', 'content', 'summary', 'subject',
    'outcome', 'body', 'reference', 'cancel_reason', 'confirmation_note', 'void_reason', 'name', 'address', 'raw_notes', 'property_details',
    'service_interest', 'extraction', 'link', 'outgoing', 'last_error', 'archive_reason', 'payment_note', 'external_id', 'stripe_customer_id'];
begin
  select e.contact_id into v_contact from erasures e where e.tenant_id = v_tenant and e.id = p_erasure;
  if v_contact is null then
    raise exception 'no erasure % in this business', p_erasure using errcode = 'P0002';
  end if;
  if exists (select 1 from contacts c where c.tenant_id = v_tenant and c.id = v_contact and c.erased_at is not null) then
    raise exception 'contact % is already erased', v_contact using errcode = 'CR001';
  end if;
  perform set_config('app.erasure_id', p_erasure::text, true);

  people := array(select c.id from contacts c where c.tenant_id = v_tenant and (c.id = v_contact or c.merged_into = v_contact));
  tix := array(select t.id from tickets t where t.tenant_id = v_tenant and t.contact_id = any(people));
  invs := array(select i.id from invoices i where i.tenant_id = v_tenant and i.contact_id = any(people));
  lds := array(select l.id from leads l where l.tenant_id = v_tenant and l.converted_contact_id = any(people));
  msgs := array(select m.id from scheduled_messages m where m.tenant_id = v_tenant and m.contact_id = any(people));
  mail_to := array(select lower(x->>'value') from contacts c, jsonb_array_elements(c.emails) x where c.tenant_id = v_tenant and c.id = any(people));

  idents := array(select distinct s.v from (
      select c.display_name as v from contacts c where c.tenant_id = v_tenant and c.id = any(people)
      union all select x->>'value' from contacts c, jsonb_array_elements(c.emails || c.phones) x where c.tenant_id = v_tenant and c.id = any(people)
      union all select regexp_replace(x->>'value', '\D', '', 'g') from contacts c, jsonb_array_elements(c.phones) x
        where c.tenant_id = v_tenant and c.id = any(people)
      union all select a.line1 from addresses a where a.tenant_id = v_tenant and a.contact_id = any(people)
      union all select unnest(array[l.name, l.email, l.phone, l.address]) from leads l where l.tenant_id = v_tenant and l.id = any(lds)
    ) s where length(trim(s.v)) >= 4 and s.v <> '[erased]');

  vals := idents || array(select distinct s.v from (
      select unnest(array[c.first_name, c.last_name, c.notes, c.source, c.stripe_customer_id]) as v from contacts c
        where c.tenant_id = v_tenant and c.id = any(people)
      union all select unnest(c.tags) from contacts c where c.tenant_id = v_tenant and c.id = any(people)
      union all select x #>> '{}' from contacts c, jsonb_path_query(c.preferences, 'strict $.**') x
        where c.tenant_id = v_tenant and c.id = any(people) and jsonb_typeof(x) = 'string'
      union all select unnest(array[a.label, a.line2, a.city, a.postal_code, a.access_notes]) from addresses a
        where a.tenant_id = v_tenant and a.contact_id = any(people)
      union all select x #>> '{}' from attributes t, jsonb_path_query(t.value, 'strict $.**') x
        where t.tenant_id = v_tenant and t.contact_id = any(people) and jsonb_typeof(x) = 'string'
      union all select n.content from notes n
        where n.tenant_id = v_tenant and (n.contact_id = any(people) or n.ticket_id = any(tix) or n.lead_id = any(lds))
      union all select unnest(array[i.subject, i.summary, i.outcome]) from interactions i
        where i.tenant_id = v_tenant and (i.contact_id = any(people) or i.lead_id = any(lds))
      union all select unnest(array[t.notes, t.confirmation_note, t.cancel_reason]) from tickets t where t.tenant_id = v_tenant and t.id = any(tix)
      union all select unnest(array[m.subject, m.body]) from scheduled_messages m where m.tenant_id = v_tenant and m.id = any(msgs)
      union all select unnest(array[i.notes, i.void_reason]) from invoices i where i.tenant_id = v_tenant and i.id = any(invs)
      union all select p.reference from payments p where p.tenant_id = v_tenant and p.invoice_id = any(invs)
      union all select w.notes from waitlist_entries w where w.tenant_id = v_tenant and w.contact_id = any(people)
      union all select s.notes from series s where s.tenant_id = v_tenant and s.contact_id = any(people)
      union all select k.note from contact_links k where k.tenant_id = v_tenant and (k.from_contact_id = any(people) or k.to_contact_id = any(people))
      union all select x.external_id from contact_external_ids x where x.tenant_id = v_tenant and x.contact_id = any(people)
      union all select unnest(array[l.raw_notes, l.service_interest, l.property_details, l.archive_reason]) from leads l
        where l.tenant_id = v_tenant and l.id = any(lds)
    ) s where length(trim(s.v)) >= 3 and s.v <> '[erased]');

  own := people || tix || invs || lds || msgs
    || array(select a.id from addresses a where a.tenant_id = v_tenant and a.contact_id = any(people))
    || array(select t.id from attributes t where t.tenant_id = v_tenant and t.contact_id = any(people))
    || array(select n.id from notes n where n.tenant_id = v_tenant and (n.contact_id = any(people) or n.ticket_id = any(tix) or n.lead_id = any(lds)))
    || array(select i.id from interactions i where i.tenant_id = v_tenant and (i.contact_id = any(people) or i.lead_id = any(lds)))
    || array(select p.id from payments p where p.tenant_id = v_tenant and p.invoice_id = any(invs))
    || array(select w.id from waitlist_entries w where w.tenant_id = v_tenant and w.contact_id = any(people))
    || array(select s.id from series s where s.tenant_id = v_tenant and s.contact_id = any(people));

  -- The audit first, while every value is still known; then the records themselves. The customer's own records' entries
  -- lose every personal field whatever it held then (a value since corrected is no longer in the records).
  update audit_log a set changes = case when a.entity_id = any(own) then erased_json(erased_fields(a.changes, personal), vals)
        else erased_json(a.changes, idents) end,
      reasoning = erased_text(a.reasoning, case when a.entity_id = any(own) then vals else idents end)
    where a.tenant_id = v_tenant
      and (a.entity_id = any(own) or exists (select 1 from unnest(idents) v
        where position(lower(v) in lower(a.changes::text || ' ' || coalesce(a.reasoning, ''))) > 0))
      and (a.changes is distinct from (case when a.entity_id = any(own) then erased_json(erased_fields(a.changes, personal), vals)
          else erased_json(a.changes, idents) end)
        or a.reasoning is distinct from erased_text(a.reasoning, case when a.entity_id = any(own) then vals else idents end));
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('audit_log', changed);

  update contacts c set display_name = 'Erased customer', first_name = null, last_name = null, emails = '[]', phones = '[]',
      preferences = '{}', tags = '{}', source = null, notes = null, stripe_customer_id = null, status = 'archived', erased_at = p_now
    where c.tenant_id = v_tenant and c.id = any(people);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('contacts', changed);

  update addresses a set label = null, line1 = 'Erased', line2 = null, city = '', state = '', postal_code = '', access_notes = null,
      archived_at = coalesce(a.archived_at, p_now)
    where a.tenant_id = v_tenant and a.contact_id = any(people);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('addresses', changed);

  delete from attributes t where t.tenant_id = v_tenant and t.contact_id = any(people);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('attributes', changed);

  delete from contact_links k where k.tenant_id = v_tenant and (k.from_contact_id = any(people) or k.to_contact_id = any(people));
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('contact_links', changed);

  delete from contact_external_ids x where x.tenant_id = v_tenant and x.contact_id = any(people);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('contact_external_ids', changed);

  update notes n set content = '[erased]'
    where n.tenant_id = v_tenant and (n.contact_id = any(people) or n.ticket_id = any(tix) or n.lead_id = any(lds));
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('notes', changed);

  update interactions i set summary = '[erased]', subject = null, outcome = null
    where i.tenant_id = v_tenant and (i.contact_id = any(people) or i.lead_id = any(lds));
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('interactions', changed);

  -- Visits still to come are cancelled: nobody is expected at an erased customer's door.
  update tickets t set status = 'cancelled', cancelled_at = p_now
    where t.tenant_id = v_tenant and t.id = any(tix) and t.closed_at is null and t.status in ('scheduled', 'confirmed') and t.scheduled_start > p_now;
  update tickets t set notes = null, confirmation_note = null, cancel_reason = case when t.cancel_reason is null then null else '[erased]' end
    where t.tenant_id = v_tenant and t.id = any(tix);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('tickets', changed);

  update closeouts c set state = erased_json(c.state, vals), result = erased_json(c.result, vals), payment_note = null
    where c.tenant_id = v_tenant and c.ticket_id = any(tix);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('closeouts', changed);

  update series s set notes = null, status = 'ended', paused_until = null, ended_at = coalesce(s.ended_at, p_now)
    where s.tenant_id = v_tenant and s.contact_id = any(people);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('series', changed);

  update invoices i set notes = erased_text(i.notes, vals), void_reason = erased_text(i.void_reason, vals)
    where i.tenant_id = v_tenant and i.id = any(invs);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('invoices', changed);

  update payments p set reference = erased_text(p.reference, vals) where p.tenant_id = v_tenant and p.invoice_id = any(invs);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('payments', changed);

  update scheduled_messages m set subject = case when m.subject is null then null else '[erased]' end,
      body = case when m.body is null then null else '[erased]' end, outgoing = null, last_error = null,
      status = case when m.status = 'pending' then 'cancelled' else m.status end
    where m.tenant_id = v_tenant and m.id = any(msgs);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('scheduled_messages', changed);

  update email_outbox o set to_address = 'erased@erased.invalid', subject = '[erased]', text_body = '[erased]', html_body = null
    where o.tenant_id = v_tenant and lower(o.to_address) = any(mail_to);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('email_outbox', changed);

  update email_events e set detail = erased_json(e.detail, vals)
    where e.tenant_id = v_tenant and (e.contact_id = any(people) or e.scheduled_message_id = any(msgs));
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('email_events', changed);

  update waitlist_entries w set notes = null, status = case when w.status in ('waiting', 'offered') then 'removed' else w.status end
    where w.tenant_id = v_tenant and w.contact_id = any(people);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('waitlist_entries', changed);

  update leads l set name = null, phone = null, email = null, address = null, raw_notes = '[erased]', service_interest = null,
      property_details = null, extraction = null, archive_reason = erased_text(l.archive_reason, vals)
    where l.tenant_id = v_tenant and l.id = any(lds);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('leads', changed);

  update authorization_requests r set data = erased_json(r.data, vals), result = erased_json(r.result, vals), preview = erased_json(r.preview, vals),
      edits = erased_json(r.edits, vals), summary = erased_text(r.summary, vals), reasoning = erased_text(r.reasoning, vals),
      decision_note = erased_text(r.decision_note, vals)
    where r.tenant_id = v_tenant and exists (select 1 from unnest(idents || people::text[]) v
      where position(lower(v) in lower(to_jsonb(r)::text)) > 0);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('authorization_requests', changed);

  update idempotency_keys k set response = erased_json(k.response, vals)
    where k.tenant_id = v_tenant and k.response is not null and exists (select 1 from unnest(idents || people::text[]) v
      where position(lower(v) in lower(k.response::text)) > 0);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('idempotency_keys', changed);

  perform set_config('app.erasure_id', '', true);
  return counts;
end $$;
revoke execute on function erase_customer(uuid, timestamptz) from public;
grant execute on function erase_customer(uuid, timestamptz) to crm_app;
