-- What the universal search's hits are labelled and described with, in the hits' order: each record's fields and, for a
-- hit found in a note, the note. It runs as its caller, so row security decides what is read: a hit whose record the
-- caller cannot read is left out. A function so that its plan, every kind's branch, is made once per connection instead
-- of for every search (planning the branches cost more than running them).
create or replace function search_describe(p_q text, p_digits text, p_kinds text[], p_ids uuid[],
  p_scores double precision[], p_matched text[], p_refs uuid[])
returns table (kind text, id uuid, score double precision, matched text, ref_id uuid, f jsonb, note text)
language plpgsql stable security invoker set search_path = public, pg_temp set plan_cache_mode = force_generic_plan as $$
#variable_conflict use_column
begin
  return query
  with h as (
    select u.kind, u.id, u.score, u.matched, u.ref_id, u.ord
    from unnest(p_kinds, p_ids, p_scores, p_matched, p_refs) with ordinality u(kind, id, score, matched, ref_id, ord)),
  w as (select lower(p_q) as q, websearch_to_tsquery('english', p_q) as tsq, coalesce(p_digits, '') as digits,
    (select t.timezone from tenants t where t.id = app_tenant()) as tz)
  select d.kind, d.id, d.score, d.matched, d.ref_id, d.f, left(n.content, 2000) as note
  from (
    select h.kind, h.id, h.score, h.matched, h.ref_id, h.ord,
      jsonb_build_object('label', c.display_name, 'status', c.status, 'email', c.email, 'phone', c.phone,
       'address', (select concat_ws(', ', a.line1, a.city) from addresses a where a.contact_id = c.id and a.archived_at is null
                   order by a.created_at limit 1),
       -- Which part of a contact matched is worked out only for hits found by words or typos anywhere in it.
       'best_part', case when h.matched in ('words', 'fuzzy') then (select p.text from (
           select 'email ' || (x->>'value') as text from jsonb_array_elements(c.emails) x
           union all select 'address ' || concat_ws(', ', a.line1, a.line2, a.city, concat_ws(' ', a.state, a.postal_code))
             from addresses a where a.contact_id = c.id and a.archived_at is null
           union all select replace(t.key, '_', ' ') || ': ' || (t.value #>> '{}') from attributes t where t.contact_id = c.id
           union all select 'tag ' || tag from unnest(c.tags) tag) p
         order by greatest(word_similarity(w.q, lower(p.text)), case when to_tsvector('english', p.text) @@ w.tsq then 1 else 0 end) desc
         limit 1) end,
       'matching_phone', (select x->>'value' from jsonb_array_elements(c.phones) x
         where w.digits <> '' and regexp_replace(x->>'value', '\D', '', 'g') like '%' || w.digits || '%' limit 1),
       'external', (select jsonb_build_object('source', k.source, 'id', k.external_id) from contact_external_ids k
         where k.contact_id = c.id and k.external_id = trim(p_q) order by k.source limit 1)) as f
    from h join contacts c on c.id = h.id cross join w where h.kind = 'contact'
    union all
    select h.kind, h.id, h.score, h.matched, h.ref_id, h.ord,
      jsonb_build_object('number', t.number, 'name', c.display_name, 'status', t.status,
       'when', to_char(t.scheduled_start at time zone w.tz, 'Dy, Mon FMDD, YYYY FMHH12:MI AM'),
       'address', (select concat_ws(', ', a.line1, a.city) from addresses a where a.id = t.address_id))
    from h join tickets t on t.id = h.id join contacts c on c.id = t.contact_id cross join w where h.kind = 'ticket'
    union all
    select h.kind, h.id, h.score, h.matched, h.ref_id, h.ord,
      jsonb_build_object('number', i.number, 'name', c.display_name, 'status', i.status, 'total_cents', i.total_cents,
       'amount_due_cents', i.amount_due_cents, 'currency', i.currency, 'due_on', i.due_on)
    from h join invoices i on i.id = h.id join contacts c on c.id = i.contact_id where h.kind = 'invoice'
    union all
    select h.kind, h.id, h.score, h.matched, h.ref_id, h.ord,
      jsonb_build_object('name', l.name, 'email', l.email, 'phone', l.phone, 'status', l.status,
       'service_interest', l.service_interest, 'raw_notes', l.raw_notes)
    from h join leads l on l.id = h.id where h.kind = 'lead') d
  left join notes n on n.id = d.ref_id
  order by d.ord;
end
$$;
revoke all on function search_describe(text, text, text[], uuid[], double precision[], text[], uuid[]) from public;
grant execute on function search_describe(text, text, text[], uuid[], double precision[], text[], uuid[]) to crm_app;
