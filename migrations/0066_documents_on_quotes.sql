-- Files on quotes: a document may be attached to a quote, as to a customer, a visit or an invoice; still exactly one.
alter table documents add column quote_id uuid;
alter table documents add foreign key (tenant_id, quote_id) references quotes (tenant_id, id);
alter table documents drop constraint documents_check;
alter table documents add constraint documents_one_target check (num_nonnulls(contact_id, ticket_id, invoice_id, quote_id) = 1);
create index documents_quote on documents (tenant_id, quote_id, created_at desc) where quote_id is not null;

-- As in 0061, except that the documents of the customer's quotes are erased with the others.
create or replace function erase_customer(p_erasure uuid, p_now timestamptz) returns jsonb
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_tenant uuid := app_tenant();
  v_contact uuid;
  people uuid[];
  tix uuid[];
  invs uuid[];
  lds uuid[];
  msgs uuid[];
  opps uuid[];
  quos uuid[];
  docs uuid[];
  hashes text[];
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
    'service_interest', 'extraction', 'link', 'outgoing', 'last_error', 'archive_reason', 'payment_note', 'external_id', 'stripe_customer_id',
    'legal_name', 'industry', 'website', 'tax_id', 'billing_address', 'custom_fields', 'title', 'close_reason', 'customer_note', 'description',
    'deposit_reference'];
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
  opps := array(select o.id from opportunities o where o.tenant_id = v_tenant and (o.contact_id = any(people) or o.lead_id = any(lds)));
  quos := array(select q.id from quotes q where q.tenant_id = v_tenant and q.contact_id = any(people));
  docs := array(select d.id from documents d where d.tenant_id = v_tenant
    and (d.contact_id = any(people) or d.ticket_id = any(tix) or d.invoice_id = any(invs) or d.quote_id = any(quos)));
  mail_to := array(select lower(x->>'value') from contacts c, jsonb_array_elements(c.emails) x where c.tenant_id = v_tenant and c.id = any(people));

  idents := array(select distinct s.v from (
      select c.display_name as v from contacts c where c.tenant_id = v_tenant and c.id = any(people)
      union all select x->>'value' from contacts c, jsonb_array_elements(c.emails || c.phones) x where c.tenant_id = v_tenant and c.id = any(people)
      union all select regexp_replace(x->>'value', '\D', '', 'g') from contacts c, jsonb_array_elements(c.phones) x
        where c.tenant_id = v_tenant and c.id = any(people)
      union all select a.line1 from addresses a where a.tenant_id = v_tenant and a.contact_id = any(people)
      union all select unnest(array[l.name, l.email, l.phone, l.address]) from leads l where l.tenant_id = v_tenant and l.id = any(lds)
      union all select unnest(array[c.legal_name, c.website, c.tax_id, c.billing_address->>'line1']) from contacts c
        where c.tenant_id = v_tenant and c.id = any(people)
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
      union all select x #>> '{}' from contacts c, jsonb_path_query(coalesce(c.billing_address, '{}') || c.custom_fields, 'strict $.**') x
        where c.tenant_id = v_tenant and c.id = any(people) and jsonb_typeof(x) = 'string'
      union all select x #>> '{}' from tickets t, jsonb_path_query(t.custom_fields, 'strict $.**') x
        where t.tenant_id = v_tenant and t.id = any(tix) and jsonb_typeof(x) = 'string'
      union all select unnest(array[o.title, o.close_reason]) from opportunities o where o.tenant_id = v_tenant and o.id = any(opps)
      union all select unnest(array[i.subject, i.summary, i.outcome]) from interactions i where i.tenant_id = v_tenant and i.opportunity_id = any(opps)
      union all select unnest(array[q.notes, q.customer_note, q.cancel_reason]) from quotes q where q.tenant_id = v_tenant and q.id = any(quos)
      union all select unnest(array[o.cancel_reason, o.deposit_reference]) from orders o where o.tenant_id = v_tenant and o.quote_id = any(quos)
      union all select d.name from documents d where d.tenant_id = v_tenant and d.id = any(docs)
      union all select unnest(d.tags) from documents d where d.tenant_id = v_tenant and d.id = any(docs)
    ) s where length(trim(s.v)) >= 3 and s.v <> '[erased]');

  own := people || tix || invs || lds || msgs
    || array(select a.id from addresses a where a.tenant_id = v_tenant and a.contact_id = any(people))
    || array(select t.id from attributes t where t.tenant_id = v_tenant and t.contact_id = any(people))
    || array(select n.id from notes n where n.tenant_id = v_tenant and (n.contact_id = any(people) or n.ticket_id = any(tix) or n.lead_id = any(lds)))
    || array(select i.id from interactions i where i.tenant_id = v_tenant and (i.contact_id = any(people) or i.lead_id = any(lds)))
    || array(select p.id from payments p where p.tenant_id = v_tenant and p.invoice_id = any(invs))
    || array(select w.id from waitlist_entries w where w.tenant_id = v_tenant and w.contact_id = any(people))
    || array(select s.id from series s where s.tenant_id = v_tenant and s.contact_id = any(people))
    || opps || quos || docs
    || array(select i.id from interactions i where i.tenant_id = v_tenant and i.opportunity_id = any(opps))
    || array(select k.id from contact_links k where k.tenant_id = v_tenant and (k.from_contact_id = any(people) or k.to_contact_id = any(people)))
    || array(select l.id from quote_line_items l where l.tenant_id = v_tenant and l.quote_id = any(quos))
    || array(select o.id from orders o where o.tenant_id = v_tenant and o.quote_id = any(quos));

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
      preferences = '{}', tags = '{}', source = null, notes = null, stripe_customer_id = null, status = 'archived', erased_at = p_now,
      legal_name = null, industry = null, website = null, tax_id = null, billing_address = null, custom_fields = '{}'
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
    where i.tenant_id = v_tenant and (i.contact_id = any(people) or i.lead_id = any(lds) or i.opportunity_id = any(opps));
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('interactions', changed);

  -- Visits still to come are cancelled: nobody is expected at an erased customer's door.
  update tickets t set status = 'cancelled', cancelled_at = p_now
    where t.tenant_id = v_tenant and t.id = any(tix) and t.closed_at is null and t.status in ('scheduled', 'confirmed') and t.scheduled_start > p_now;
  update tickets t set notes = null, confirmation_note = null, cancel_reason = case when t.cancel_reason is null then null else '[erased]' end,
      custom_fields = '{}'
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

  -- The sales records keep their stage, amount, probability and dates for the forecast and the books; only their words go.
  update opportunities o set title = '[erased]', close_reason = case when o.close_reason is null then null else '[erased]' end
    where o.tenant_id = v_tenant and o.id = any(opps);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('opportunities', changed);

  -- Quotes and orders are kept like invoices: numbers, lines, prices and totals stay; what was typed about the customer goes.
  update quotes q set notes = null, customer_note = null, cancel_reason = case when q.cancel_reason is null then null else '[erased]' end
    where q.tenant_id = v_tenant and q.id = any(quos);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('quotes', changed);

  update quote_line_items l set description = erased_text(l.description, vals)
    where l.tenant_id = v_tenant and l.quote_id = any(quos) and l.description is distinct from erased_text(l.description, vals);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('quote_line_items', changed);

  update orders o set cancel_reason = case when o.cancel_reason is null then null else '[erased]' end,
      deposit_reference = erased_text(o.deposit_reference, vals)
    where o.tenant_id = v_tenant and o.quote_id = any(quos);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('orders', changed);

  -- Being on a list is not history: the customer leaves every segment, whose counts follow.
  with gone as (delete from segment_members m where m.tenant_id = v_tenant and m.contact_id = any(people) returning m.segment_id),
    recounted as (update segments s set member_count = greatest(s.member_count - n.removed, 0)
      from (select g.segment_id, count(*)::int as removed from gone g group by g.segment_id) n
      where s.tenant_id = v_tenant and s.id = n.segment_id returning s.id)
  select count(*) into changed from gone;
  counts := counts || jsonb_build_object('segment_members', changed);

  -- Their files go with every version; the bytes are removed from the store by the caller, which alone can reach it, for
  -- each content no other document of the business still names.
  hashes := array(select distinct v.sha256 from document_versions v where v.tenant_id = v_tenant and v.document_id = any(docs));
  delete from document_versions v where v.tenant_id = v_tenant and v.document_id = any(docs);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('document_versions', changed);
  delete from documents d where d.tenant_id = v_tenant and d.id = any(docs);
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('documents', changed);
  counts := counts || jsonb_build_object('document_hashes', to_jsonb(array(select h from unnest(hashes) h
    where not exists (select 1 from document_versions v where v.tenant_id = v_tenant and v.sha256 = h)
      and not exists (select 1 from documents d where d.tenant_id = v_tenant and d.sha256 = h))));

  perform set_config('app.erasure_id', '', true);
  return counts;
end $$;
revoke execute on function erase_customer(uuid, timestamptz) from public;
grant execute on function erase_customer(uuid, timestamptz) to crm_app;
