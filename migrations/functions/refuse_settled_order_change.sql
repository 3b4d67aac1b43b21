-- The whole current definition of refuse_settled_order_change(), applied again whenever this file changes
-- (docs/operations.md). Last redefined by 0084_guards_read_personal_data.sql: a settled order changes only by an
-- erasure of its customer, in the columns the declarations of personal data name.

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
