-- The whole current definition of refuse_sent_quote_line_change(), applied again whenever this file changes
-- (docs/operations.md). Last redefined by 0084_guards_read_personal_data.sql: a sent quote's line changes only by an
-- erasure of its customer, in the columns the declarations of personal data name.

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
