-- Universal search: one denormalized entry per contact, note, ticket, invoice and lead, kept current by triggers,
-- read only through search_hits().
--
-- Why a separate table read through a SECURITY DEFINER function: requests run as crm_app under forced row level
-- security, and PostgreSQL never uses a non-leakproof operator (pg_trgm's % and <%, LIKE, full-text @@) as an index
-- condition on a table with row security for that role, so every trigram or text index would be a sequential scan
-- of the tenant. search_entries is owned by the migrating role, which a policy of its own lets use the indexes;
-- crm_app has no privilege on it at all, and search_hits() always filters on the transaction's tenant itself.

create table search_entries (
  tenant_id uuid not null,
  kind text not null check (kind in ('contact', 'note', 'ticket', 'invoice', 'lead')),
  id uuid not null,
  -- What the entry belongs to: a note's contact, ticket or lead; a ticket's or invoice's contact.
  parent_kind text check (parent_kind in ('contact', 'ticket', 'lead')),
  parent_id uuid,
  -- The short name a hit shows: display name, '#<ticket number>', invoice number, lead name.
  label text not null,
  -- Lower-case text matched with trigrams (typos tolerated): names, emails, addresses, attributes, numbers.
  terms text not null default '',
  -- Phone numbers as digits, one number per word, so "any 4+ digits" matches within one number.
  digits text not null default '',
  -- Stemmed words (english): note content, a contact's terms, a lead's notes.
  body tsvector not null default ''::tsvector,
  status text,
  at timestamptz not null,
  primary key (tenant_id, kind, id)
);
-- One index per way of matching and kind, so each can be read on its own. tenant_id is deliberately not inside the
-- GIN indexes (btree_gin): a tenant key matches every row of the tenant, and GIN then walks all of them on each search.
create index search_entries_contact_name on search_entries using gin (lower(label) gin_trgm_ops) where kind = 'contact';
create index search_entries_contact_terms on search_entries using gin (terms gin_trgm_ops) where kind = 'contact';
create index search_entries_invoice_terms on search_entries using gin (terms gin_trgm_ops) where kind = 'invoice';
create index search_entries_lead_terms on search_entries using gin (terms gin_trgm_ops) where kind = 'lead';
create index search_entries_digits on search_entries using gin (digits gin_trgm_ops) where digits <> '';
create index search_entries_contact_body on search_entries using gin (body) where kind = 'contact';
create index search_entries_lead_body on search_entries using gin (body) where kind = 'lead';
create index search_entries_contact_note_body on search_entries using gin (body) where kind = 'note' and parent_kind = 'contact';
create index search_entries_ticket_note_body on search_entries using gin (body) where kind = 'note' and parent_kind = 'ticket';
create index search_entries_lead_note_body on search_entries using gin (body) where kind = 'note' and parent_kind = 'lead';
create index search_entries_number on search_entries (tenant_id, kind, lower(label)) where kind in ('ticket', 'invoice');
create index search_entries_parent on search_entries (tenant_id, kind, parent_id) where kind in ('ticket', 'invoice');

alter table search_entries enable row level security;
alter table search_entries force row level security;
create policy tenant_rows on search_entries using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
-- The owner (who the functions below run as) may use the indexes; the functions filter on app_tenant() themselves.
do $$ begin
  execute format('create policy maintainer on search_entries to %I using (true) with check (true)', current_user);
end $$;

-- The words an attribute contributes: its key as words and its value's text; false and null contribute nothing,
-- so "elderly" does not find a contact whose elderly attribute is false.
create function search_attribute_text(key text, value jsonb) returns text language sql immutable as $$
  select case
    when value is null or jsonb_typeof(value) = 'null' or value = 'false'::jsonb then ''
    when jsonb_typeof(value) = 'boolean' then replace(key, '_', ' ')
    when jsonb_typeof(value) = 'string' then replace(key, '_', ' ') || ' ' || (value #>> '{}')
    else replace(key, '_', ' ') || ' ' || regexp_replace(value::text, '[\[\]{}":,]+', ' ', 'g')
  end
$$;

-- Rebuilds the entries of the given contacts from their names, emails, tags, active addresses and attributes.
create function search_refresh_contacts(p_tenant uuid, p_ids uuid[]) returns void
language sql security definer set search_path = public, pg_temp as $$
  insert into search_entries (tenant_id, kind, id, label, terms, digits, body, status, at)
  select c.tenant_id, 'contact', c.id, c.display_name, d.terms, c.phone_digits, to_tsvector('english', d.terms), c.status, c.created_at
  from contacts c
  cross join lateral (select lower(concat_ws(' ', c.display_name, c.first_name, c.last_name,
      (select string_agg(x->>'value', ' ') from jsonb_array_elements(c.emails) x),
      nullif(array_to_string(c.tags, ' '), ''),
      (select string_agg(concat_ws(' ', a.line1, a.line2, a.city, a.state, a.postal_code), ' ')
       from addresses a where a.tenant_id = c.tenant_id and a.contact_id = c.id and a.archived_at is null),
      (select string_agg(nullif(search_attribute_text(t.key, t.value), ''), ' ')
       from attributes t where t.tenant_id = c.tenant_id and t.contact_id = c.id))) as terms) d
  where c.tenant_id = p_tenant and c.id = any(p_ids)
  on conflict (tenant_id, kind, id) do update set label = excluded.label, terms = excluded.terms, digits = excluded.digits,
    body = excluded.body, status = excluded.status, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'contact' and e.id = any(p_ids)
    and not exists (select 1 from contacts c where c.tenant_id = p_tenant and c.id = e.id);
$$;

-- Rebuilds the entries of the given tickets: '#number', and the contact they are found by (by its name).
create function search_refresh_tickets(p_tenant uuid, p_ids uuid[]) returns void
language sql security definer set search_path = public, pg_temp as $$
  insert into search_entries (tenant_id, kind, id, parent_kind, parent_id, label, status, at)
  select t.tenant_id, 'ticket', t.id, 'contact', t.contact_id, '#' || t.number, t.status, t.scheduled_start
  from tickets t where t.tenant_id = p_tenant and t.id = any(p_ids)
  on conflict (tenant_id, kind, id) do update set parent_id = excluded.parent_id, label = excluded.label,
    status = excluded.status, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'ticket' and e.id = any(p_ids)
    and not exists (select 1 from tickets t where t.tenant_id = p_tenant and t.id = e.id);
$$;

-- Rebuilds the entries of the given invoices: the number (matched in part too), and the contact they are found by.
create function search_refresh_invoices(p_tenant uuid, p_ids uuid[]) returns void
language sql security definer set search_path = public, pg_temp as $$
  insert into search_entries (tenant_id, kind, id, parent_kind, parent_id, label, terms, status, at)
  select i.tenant_id, 'invoice', i.id, 'contact', i.contact_id, i.number, lower(i.number), i.status, i.created_at
  from invoices i where i.tenant_id = p_tenant and i.id = any(p_ids)
  on conflict (tenant_id, kind, id) do update set parent_id = excluded.parent_id, label = excluded.label, terms = excluded.terms,
    status = excluded.status, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'invoice' and e.id = any(p_ids)
    and not exists (select 1 from invoices i where i.tenant_id = p_tenant and i.id = e.id);
$$;

-- Rebuilds the entries of the given leads from their extracted fields and raw notes.
create function search_refresh_leads(p_tenant uuid, p_ids uuid[]) returns void
language sql security definer set search_path = public, pg_temp as $$
  insert into search_entries (tenant_id, kind, id, label, terms, digits, body, status, at)
  select l.tenant_id, 'lead', l.id,
    coalesce(nullif(trim(l.name), ''), nullif(trim(l.email), ''), nullif(trim(l.phone), ''), left(l.raw_notes, 60)),
    lower(concat_ws(' ', l.name, l.email, l.address, l.service_interest, l.source)),
    coalesce(regexp_replace(l.phone, '\D', '', 'g'), ''),
    to_tsvector('english', concat_ws(' ', l.name, l.email, l.address, l.service_interest, l.property_details, l.raw_notes)),
    l.status, l.created_at
  from leads l where l.tenant_id = p_tenant and l.id = any(p_ids)
  on conflict (tenant_id, kind, id) do update set label = excluded.label, terms = excluded.terms, digits = excluded.digits,
    body = excluded.body, status = excluded.status, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'lead' and e.id = any(p_ids)
    and not exists (select 1 from leads l where l.tenant_id = p_tenant and l.id = e.id);
$$;

-- Rebuilds the entries of the given notes (their stemmed words and what they belong to).
create function search_refresh_notes(p_tenant uuid, p_ids uuid[]) returns void
language sql security definer set search_path = public, pg_temp as $$
  insert into search_entries (tenant_id, kind, id, parent_kind, parent_id, label, body, at)
  select n.tenant_id, 'note', n.id,
    case when n.contact_id is not null then 'contact' when n.ticket_id is not null then 'ticket' else 'lead' end,
    coalesce(n.contact_id, n.ticket_id, n.lead_id), left(n.content, 80), n.search, n.created_at
  from notes n where n.tenant_id = p_tenant and n.id = any(p_ids)
  on conflict (tenant_id, kind, id) do update set parent_kind = excluded.parent_kind, parent_id = excluded.parent_id,
    label = excluded.label, body = excluded.body, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'note' and e.id = any(p_ids)
    and not exists (select 1 from notes n where n.tenant_id = p_tenant and n.id = e.id);
$$;

-- Statement-level triggers: one refresh per statement and tenant, however many rows a multi-row insert wrote.
create function search_contacts_changed() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare r record;
begin
  if tg_op = 'DELETE' then
    for r in select tenant_id, array_agg(id) as ids from old_rows group by tenant_id loop
      perform search_refresh_contacts(r.tenant_id, r.ids);
    end loop;
    return null;
  end if;
  for r in select tenant_id, array_agg(id) as ids from new_rows group by tenant_id loop
    perform search_refresh_contacts(r.tenant_id, r.ids);
  end loop;
  return null;
end $$;

-- Addresses and attributes are part of their contact's entry.
create function search_contact_parts_changed() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare r record;
begin
  if tg_op = 'INSERT' then
    for r in select tenant_id, array_agg(distinct contact_id) as ids from new_rows group by tenant_id loop
      perform search_refresh_contacts(r.tenant_id, r.ids);
    end loop;
  elsif tg_op = 'DELETE' then
    for r in select tenant_id, array_agg(distinct contact_id) as ids from old_rows group by tenant_id loop
      perform search_refresh_contacts(r.tenant_id, r.ids);
    end loop;
  else
    for r in select tenant_id, array_agg(distinct contact_id) as ids
             from (select tenant_id, contact_id from new_rows union select tenant_id, contact_id from old_rows) x group by tenant_id loop
      perform search_refresh_contacts(r.tenant_id, r.ids);
    end loop;
  end if;
  return null;
end $$;

-- Notes, tickets, invoices and leads each have entries of their own.
create function search_records_changed() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare r record;
begin
  if tg_op = 'DELETE' then
    for r in select tenant_id, array_agg(id) as ids from old_rows group by tenant_id loop
      execute format('select search_refresh_%s($1, $2)', tg_table_name) using r.tenant_id, r.ids;
    end loop;
  else
    for r in select tenant_id, array_agg(id) as ids from new_rows group by tenant_id loop
      execute format('select search_refresh_%s($1, $2)', tg_table_name) using r.tenant_id, r.ids;
    end loop;
  end if;
  return null;
end $$;

do $$
declare t text; fn text;
begin
  foreach t in array array['contacts', 'addresses', 'attributes', 'notes', 'tickets', 'invoices', 'leads'] loop
    fn := case t when 'contacts' then 'search_contacts_changed' when 'addresses' then 'search_contact_parts_changed'
      when 'attributes' then 'search_contact_parts_changed' else 'search_records_changed' end;
    execute format('create trigger search_after_insert after insert on %I referencing new table as new_rows
      for each statement execute function %I()', t, fn);
    execute format('create trigger search_after_update after update on %I referencing old table as old_rows new table as new_rows
      for each statement execute function %I()', t, fn);
    execute format('create trigger search_after_delete after delete on %I referencing old table as old_rows
      for each statement execute function %I()', t, fn);
  end loop;
end $$;

-- Entries change only through the triggers, which run as the owner.
revoke execute on function search_refresh_contacts(uuid, uuid[]), search_refresh_tickets(uuid, uuid[]), search_refresh_invoices(uuid, uuid[]),
  search_refresh_leads(uuid, uuid[]), search_refresh_notes(uuid, uuid[]) from public;

-- Whether a contact passes the search's attribute, place and service-history filters (a null filter passes).
create function search_contact_passes(p_tenant uuid, p_contact uuid, p_city text, p_postal_code text,
  p_attribute_key text, p_attribute_value text, p_service_id uuid, p_received_from timestamptz, p_received_to timestamptz)
returns boolean language sql stable as $$
  select (p_city is null and p_postal_code is null or exists (
      select 1 from addresses a where a.tenant_id = p_tenant and a.contact_id = p_contact and a.archived_at is null
        and (p_city is null or lower(a.city) = lower(p_city)) and (p_postal_code is null or a.postal_code = p_postal_code)))
    and (p_attribute_key is null or exists (
      select 1 from attributes t where t.tenant_id = p_tenant and t.contact_id = p_contact and t.key = p_attribute_key
        and (p_attribute_value is null or lower(t.value #>> '{}') = lower(p_attribute_value)
          or (jsonb_typeof(t.value) = 'array' and exists (
            select 1 from jsonb_array_elements_text(t.value) v where lower(v) = lower(p_attribute_value))))))
    and (p_service_id is null and p_received_from is null and p_received_to is null or exists (
      select 1 from tickets k where k.tenant_id = p_tenant and k.contact_id = p_contact and k.status = 'completed'
        and (p_received_from is null or k.scheduled_start >= p_received_from)
        and (p_received_to is null or k.scheduled_start < p_received_to)
        and (p_service_id is null or exists (select 1 from ticket_line_items li
          where li.tenant_id = p_tenant and li.ticket_id = k.id and li.service_id = p_service_id))))
$$;

-- The best hits of the transaction's tenant for p_q: at most p_limit per kind (contact, ticket, invoice, lead), each
-- with a score from 0 to 1, how it matched (name, phone, words, note, fuzzy, number, number_part) and, for a note
-- match, the note (ref_id). Contact filters (city, postal code, attribute, service history: a completed ticket with
-- the service and/or between the two dates, inclusive, in the business's time zone) restrict contact hits.
--
-- Each way of matching reads at most a fixed number of candidates, so a word that half the records contain costs no
-- more than a rare one; the weaker ways (notes, then typo-tolerant matching of everything) are tried only when the
-- stronger ones found too little. Names are looked up once: tickets and invoices are found by their contact's name
-- through it. Scores: exact or near name 0.5-1, phone 0.9, words (stemmed) 0.6-0.8, a note 0.45-0.65, typos elsewhere
-- up to 0.5; an archived contact counts 0.8 of its score; a ticket or invoice 0.9 of its contact's name score.
create function search_hits(p_q text, p_kinds text[], p_limit int, p_city text default null,
  p_postal_code text default null, p_attribute_key text default null, p_attribute_value text default null,
  p_service_id uuid default null, p_received_from date default null, p_received_to date default null)
returns table (kind text, id uuid, score double precision, matched text, ref_id uuid)
language plpgsql stable security definer
-- The planner thinks trigram and text-search tests cost next to nothing, and under LIMIT would rather read the table
-- in order than use an index: every match here must come through an index. The plans do not depend on q, so they are
-- planned once per connection.
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_generic_plan
  set pg_trgm.similarity_threshold = 0.5 as $$
declare
  v_tenant uuid := app_tenant();
  v_q text := lower(trim(p_q));
  -- A hyphen inside a word joins its parts ("two-story" also finds "two story"); elsewhere it still means NOT.
  v_tsq tsquery := websearch_to_tsquery('english', regexp_replace(p_q, '([[:alpha:]])-([[:alpha:]])', '\1 \2', 'g'));
  v_words boolean;
  v_digits text;
  v_ticket text;
  v_invoice text;
  v_filtered boolean := num_nonnulls(p_city, p_postal_code, p_attribute_key, p_service_id, p_received_from, p_received_to) > 0;
  v_cap int := greatest(p_limit * 2, 50);
  -- Words of q that could be part of a name (none when q is an email address or has no letters).
  v_name_words int := case when p_q ~ '@' or p_q !~ '[[:alpha:]]' then 0 else array_length(regexp_split_to_array(trim(p_q), '\s+'), 1) end;
  -- Contacts whose name matches, best first, and how well.
  v_named uuid[] := '{}';
  v_named_score double precision[] := '{}';
  v_from timestamptz;
  v_to timestamptz;
begin
  if v_tenant is null or v_q = '' then return; end if;
  if p_received_from is not null or p_received_to is not null then
    select p_received_from::timestamp at time zone t.timezone, (p_received_to + 1)::timestamp at time zone t.timezone
    into v_from, v_to from tenants t where t.id = v_tenant;
  end if;
  v_words := numnode(v_tsq) > 0;
  -- A phone number or part of one: only phone characters, at least 4 digits.
  if p_q ~ '^[\d\s().+-]+$' and length(regexp_replace(p_q, '\D', '', 'g')) >= 4 then
    v_digits := regexp_replace(p_q, '\D', '', 'g');
  end if;
  if p_q ~ '^\s*#?\d{1,9}\s*$' then
    v_ticket := '#' || (regexp_replace(p_q, '\D', '', 'g'))::int;
  end if;
  -- Invoice numbers: '7' and '0007' mean ...-0007; a fragment with 3+ digits or a dash is looked for as written.
  if p_q ~ '^\s*\d{1,4}\s*$' then
    v_invoice := '-' || lpad(trim(p_q), 4, '0');
  elsif v_q ~ '\d{3}' or v_q ~ '^[a-z0-9]+-[0-9-]*$' then
    v_invoice := v_q;
  end if;

  -- Names: one word is looked for as a word of the name (prefixes and typos too), several by the whole name's similarity.
  if v_name_words > 0 and p_kinds && array['contact', 'ticket', 'invoice'] then
    select coalesce(array_agg(n.id order by n.score desc), '{}'), coalesce(array_agg(n.score order by n.score desc), '{}')
    into v_named, v_named_score
    from (
      (select e.id, 0.5 + 0.4 * word_similarity(v_q, lower(e.label)) + 0.1 * similarity(v_q, lower(e.label)) as score
       from search_entries e
       where v_name_words = 1 and e.tenant_id = v_tenant and e.kind = 'contact' and v_q <% lower(e.label) limit v_cap)
      union all
      (select e.id, 0.5 + 0.4 * word_similarity(v_q, lower(e.label)) + 0.1 * similarity(v_q, lower(e.label))
       from search_entries e
       where v_name_words > 1 and e.tenant_id = v_tenant and e.kind = 'contact' and lower(e.label) % v_q limit v_cap)
    ) n;
  end if;

  if 'contact' = any(p_kinds) then
    return query
    with strong as (
      (select e.id, 'name'::text as how, null::uuid as ref, e.at, n.score * case when e.status = 'archived' then 0.8 else 1 end as score
       from unnest(v_named, v_named_score) n (id, score)
       join search_entries e on e.tenant_id = v_tenant and e.kind = 'contact' and e.id = n.id
       where not v_filtered)
      union all
      -- With filters, names are looked up again among the contacts that pass them, so the filters do not starve the cap.
      (select e.id, 'name', null, e.at,
         (0.5 + 0.4 * word_similarity(v_q, lower(e.label)) + 0.1 * similarity(v_q, lower(e.label))) * case when e.status = 'archived' then 0.8 else 1 end
       from search_entries e
       where v_filtered and v_name_words = 1 and e.tenant_id = v_tenant and e.kind = 'contact' and v_q <% lower(e.label)
         and search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to)
       limit v_cap)
      union all
      (select e.id, 'name', null, e.at,
         (0.5 + 0.4 * word_similarity(v_q, lower(e.label)) + 0.1 * similarity(v_q, lower(e.label))) * case when e.status = 'archived' then 0.8 else 1 end
       from search_entries e
       where v_filtered and v_name_words > 1 and e.tenant_id = v_tenant and e.kind = 'contact' and lower(e.label) % v_q
         and search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to)
       limit v_cap)
      union all
      (select e.id, 'phone', null, e.at, 0.9 * case when e.status = 'archived' then 0.8 else 1 end
       from search_entries e
       where v_digits is not null and e.tenant_id = v_tenant and e.kind = 'contact' and e.digits <> '' and e.digits like '%' || v_digits || '%'
         and (not v_filtered or search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to))
       limit v_cap)
      union all
      (select e.id, 'words', null, e.at, (0.6 + least(ts_rank(e.body, v_tsq), 0.2)) * case when e.status = 'archived' then 0.8 else 1 end
       from search_entries e
       where v_words and e.tenant_id = v_tenant and e.kind = 'contact' and e.body @@ v_tsq
         and (not v_filtered or search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to))
       limit v_cap)
    ), notes as (
      select e.parent_id as id, 'note'::text as how, e.id as ref, e.at, 0.45 + least(ts_rank(e.body, v_tsq), 0.2) as score
      from search_entries e
      where (select count(*) from strong) < p_limit
        and v_words and e.tenant_id = v_tenant and e.kind = 'note' and e.parent_kind = 'contact' and e.body @@ v_tsq
        and (not v_filtered or search_contact_passes(v_tenant, e.parent_id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to))
      limit v_cap
    ), fuzzy as (
      -- Typos anywhere else (street, city, email, attribute), looked for only when nothing else matched.
      select e.id, 'fuzzy'::text as how, null::uuid as ref, e.at,
        0.5 * word_similarity(v_q, e.terms) * case when e.status = 'archived' then 0.8 else 1 end as score
      from search_entries e
      where (select count(*) from strong) + (select count(*) from notes) = 0
        and e.tenant_id = v_tenant and e.kind = 'contact' and v_q <% e.terms
        and (not v_filtered or search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to))
      limit v_cap
    )
    select 'contact'::text, c.id, max(c.score)::double precision, (array_agg(c.how order by c.score desc))[1], (array_agg(c.ref order by c.score desc))[1]
    from (select * from strong union all select * from notes union all select * from fuzzy) c
    group by c.id order by 3 desc, max(c.at) desc, 2 limit p_limit;
  end if;

  if 'ticket' = any(p_kinds) then
    return query
    with strong as (
      (select e.id, 'number'::text as how, null::uuid as ref, e.at, 1.0::double precision as score
       from search_entries e
       where v_ticket is not null and e.tenant_id = v_tenant and e.kind = 'ticket' and lower(e.label) = v_ticket)
      union all
      (select e.id, 'name', null, e.at, 0.9 * n.score
       from unnest(v_named, v_named_score) n (id, score)
       join search_entries e on e.tenant_id = v_tenant and e.kind = 'ticket' and e.parent_id = n.id
       limit v_cap)
    ), notes as (
      select e.parent_id as id, 'note'::text as how, e.id as ref, e.at, 0.45 + least(ts_rank(e.body, v_tsq), 0.2) as score
      from search_entries e
      where (select count(*) from strong) < p_limit
        and v_words and e.tenant_id = v_tenant and e.kind = 'note' and e.parent_kind = 'ticket' and e.body @@ v_tsq
      limit v_cap
    )
    select 'ticket'::text, c.id, max(c.score)::double precision, (array_agg(c.how order by c.score desc))[1], (array_agg(c.ref order by c.score desc))[1]
    from (select * from strong union all select * from notes) c
    group by c.id order by 3 desc, max(c.at) desc, 2 limit p_limit;
  end if;

  if 'invoice' = any(p_kinds) then
    return query
    with strong as (
      (select e.id, 'number'::text as how, e.at, 1.0::double precision as score
       from search_entries e
       where e.tenant_id = v_tenant and e.kind = 'invoice' and lower(e.label) = v_q)
      union all
      (select e.id, 'number_part', e.at, case when e.terms like '%' || v_invoice then 0.9 else 0.8 end
       from search_entries e
       where v_invoice is not null and e.tenant_id = v_tenant and e.kind = 'invoice' and e.terms like '%' || v_invoice || '%'
       limit v_cap)
      union all
      (select e.id, 'name', e.at, 0.9 * n.score
       from unnest(v_named, v_named_score) n (id, score)
       join search_entries e on e.tenant_id = v_tenant and e.kind = 'invoice' and e.parent_id = n.id
       limit v_cap)
    )
    select 'invoice'::text, c.id, max(c.score)::double precision, (array_agg(c.how order by c.score desc))[1], null::uuid
    from strong c
    group by c.id order by 3 desc, max(c.at) desc, 2 limit p_limit;
  end if;

  if 'lead' = any(p_kinds) then
    return query
    with strong as (
      (select e.id, 'phone'::text as how, null::uuid as ref, e.at, 0.9::double precision as score
       from search_entries e
       where v_digits is not null and e.tenant_id = v_tenant and e.kind = 'lead' and e.digits <> '' and e.digits like '%' || v_digits || '%'
       limit v_cap)
      union all
      (select e.id, 'words', null, e.at, 0.6 + least(ts_rank(e.body, v_tsq), 0.2)
       from search_entries e
       where v_words and e.tenant_id = v_tenant and e.kind = 'lead' and e.body @@ v_tsq
       limit v_cap)
    ), notes as (
      select e.parent_id as id, 'note'::text as how, e.id as ref, e.at, 0.45 + least(ts_rank(e.body, v_tsq), 0.2) as score
      from search_entries e
      where (select count(*) from strong) < p_limit
        and v_words and e.tenant_id = v_tenant and e.kind = 'note' and e.parent_kind = 'lead' and e.body @@ v_tsq
      limit v_cap
    ), fuzzy as (
      select e.id, 'fuzzy'::text as how, null::uuid as ref, e.at, 0.5 + 0.4 * word_similarity(v_q, e.terms) as score
      from search_entries e
      where (select count(*) from strong) + (select count(*) from notes) = 0
        and e.tenant_id = v_tenant and e.kind = 'lead' and v_q <% e.terms
      limit v_cap
    )
    select 'lead'::text, c.id, max(c.score)::double precision, (array_agg(c.how order by c.score desc))[1], (array_agg(c.ref order by c.score desc))[1]
    from (select * from strong union all select * from notes union all select * from fuzzy) c
    group by c.id order by 3 desc, max(c.at) desc, 2 limit p_limit;
  end if;
end $$;
revoke all on function search_hits(text, text[], int, text, text, text, text, uuid, date, date) from public;
grant execute on function search_hits(text, text[], int, text, text, text, text, uuid, date, date) to crm_app;

-- Entries for rows written before this migration. Row security is paused for the owner inside this transaction only,
-- so the backfill sees every tenant even when the migrating role is not a superuser.
do $$
declare t text; r record;
begin
  foreach t in array array['contacts', 'addresses', 'attributes', 'notes', 'tickets', 'invoices', 'leads'] loop
    execute format('alter table %I no force row level security', t);
  end loop;
  for r in select tenant_id, array_agg(id) as ids from contacts group by tenant_id loop
    perform search_refresh_contacts(r.tenant_id, r.ids);
  end loop;
  foreach t in array array['notes', 'tickets', 'invoices', 'leads'] loop
    for r in execute format('select tenant_id, array_agg(id) as ids from %I group by tenant_id', t) loop
      execute format('select search_refresh_%s($1, $2)', t) using r.tenant_id, r.ids;
    end loop;
  end loop;
  foreach t in array array['contacts', 'addresses', 'attributes', 'notes', 'tickets', 'invoices', 'leads'] loop
    execute format('alter table %I force row level security', t);
  end loop;
end $$;
