-- The guards of closed tickets (with their line items and technicians), settled quotes, sent quote lines and settled
-- orders let an erasure of the record's customer through for the columns the declarations of personal data name for
-- that table (personal_data, 0083), instead of lists of their own: a column declared personal is erasable on a closed
-- record with no other change, and every other column stays as it was. Only the owner of the tables writes the
-- declarations, and erasure_under_way() (0058) still lets nothing through for the app role or outside erase_customer().

-- The columns an erasure may write over in a row of the table: its declared personal columns, its updated_at, and its
-- generated columns (not yet computed in a before trigger; they follow the columns they are made from, which are compared).
create function erasable_columns(p_table text) returns text[] language sql stable set search_path = public, pg_temp as $$
  select array(
    select c ->> 'column' from personal_data p, jsonb_array_elements(p.tables) d, jsonb_array_elements(d -> 'columns') c
      where d ->> 'table' = p_table and c ->> 'erase' <> 'row'
    union select 'updated_at'
    union select a.attname::text from pg_attribute a
      where a.attrelid = to_regclass('public.' || quote_ident(p_table)) and a.attgenerated <> '' and a.attnum > 0 and not a.attisdropped)
$$;

-- True when an erasure of the given customer is under way and the row changes in nothing but what it may write over.
create function erasure_may_change(p_table text, p_tenant uuid, p_contact uuid, p_old jsonb, p_new jsonb) returns boolean
language plpgsql stable set search_path = public, pg_temp as $$
declare
  erasable text[];
begin
  if p_new is null or not erasure_under_way(p_tenant, p_contact) then
    return false;
  end if;
  erasable := erasable_columns(p_table);
  return (p_new - erasable) = (p_old - erasable);
end $$;

-- As in 0061, with the erasable columns read from the declarations; a closed ticket's line items and technicians too.
create or replace function refuse_closed_ticket_change() returns trigger language plpgsql as $$
declare
  closed timestamptz;
  customer uuid;
begin
  if tg_table_name = 'tickets' then
    closed := old.closed_at;
    customer := old.contact_id;
    if closed is not null and tg_op = 'UPDATE' and new.tenant_id = old.tenant_id
       and new.contact_id is distinct from old.contact_id
       and (to_jsonb(new) - 'contact_id' - 'updated_at') = (to_jsonb(old) - 'contact_id' - 'updated_at')
       and exists (select 1 from contacts c where c.tenant_id = old.tenant_id and c.id = old.contact_id and c.merged_into = new.contact_id) then
      return new;
    end if;
  else
    select t.closed_at, t.contact_id into closed, customer from tickets t where t.tenant_id = old.tenant_id and t.id = old.ticket_id;
    if closed is null and tg_op = 'UPDATE' then
      select t.closed_at into closed from tickets t where t.tenant_id = new.tenant_id and t.id = new.ticket_id;
    end if;
  end if;
  if closed is not null and tg_op = 'UPDATE' and erasure_may_change(tg_table_name, old.tenant_id, customer, to_jsonb(old), to_jsonb(new)) then
    return new;
  end if;
  if closed is not null then
    raise exception 'ticket is closed and cannot change' using errcode = 'CR001';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;

-- As in 0061, with the erasable columns read from the declarations.
create or replace function refuse_settled_quote_change() returns trigger language plpgsql as $$
begin
  if old.status in ('accepted', 'declined', 'expired', 'cancelled') then
    if erasure_may_change(tg_table_name, old.tenant_id, old.contact_id, to_jsonb(old), to_jsonb(new)) then
      return new;
    end if;
    raise exception 'quote % is % and cannot change', old.number, old.status using errcode = 'CR001';
  end if;
  return new;
end $$;

-- As in 0061, with the erasable columns read from the declarations.
create or replace function refuse_sent_quote_line_change() returns trigger language plpgsql as $$
declare
  quote_status text;
  quote_contact uuid;
begin
  select q.status, q.contact_id into quote_status, quote_contact from quotes q
  where q.tenant_id = coalesce(new.tenant_id, old.tenant_id) and q.id = coalesce(new.quote_id, old.quote_id);
  if quote_status is distinct from 'draft' then
    if tg_op = 'UPDATE' and erasure_may_change(tg_table_name, old.tenant_id, quote_contact, to_jsonb(old), to_jsonb(new)) then
      return new;
    end if;
    raise exception 'quote is % and its line items cannot change', quote_status using errcode = 'CR001';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;

-- As in 0061, with the erasable columns read from the declarations.
create or replace function refuse_settled_order_change() returns trigger language plpgsql as $$
begin
  if old.status in ('invoiced', 'cancelled') then
    if erasure_may_change(tg_table_name, old.tenant_id, old.contact_id, to_jsonb(old), to_jsonb(new)) then
      return new;
    end if;
    raise exception 'order % is % and cannot change', old.number, old.status using errcode = 'CR001';
  end if;
  return new;
end $$;
