-- The whole current definition of refuse_closed_ticket_change(), applied again whenever this file changes
-- (docs/operations.md). Last redefined by 0084_guards_read_personal_data.sql: a closed ticket (with its line items and
-- technicians) changes only by an erasure of its customer, in the columns the declarations of personal data name.

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
