-- A closed ticket never changes, whoever asks and by whatever statement. 0002 looked only at the row before an update,
-- so a line item or technician of an open ticket could be moved into a closed one; TRUNCATE passed no row trigger.

-- The ticket a line item or technician row belongs to after the change is checked as well as the one before.
create or replace function refuse_closed_ticket_change() returns trigger language plpgsql as $$
declare closed timestamptz;
begin
  if tg_table_name = 'tickets' then
    closed := old.closed_at;
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

-- Records about a ticket with a life of their own (notes, the close-out, invoices, messages, customers' answer links)
-- may still be added and worked on after it closed, but none is moved onto or off a closed ticket.
create function refuse_move_across_closed_ticket() returns trigger language plpgsql as $$
begin
  if new.ticket_id is distinct from old.ticket_id and exists (
    select 1 from tickets t
    where t.closed_at is not null and ((t.tenant_id = old.tenant_id and t.id = old.ticket_id) or (t.tenant_id = new.tenant_id and t.id = new.ticket_id))) then
    raise exception 'a record cannot be moved onto or off a closed ticket' using errcode = 'CR001';
  end if;
  return new;
end $$;
do $$
declare t text;
begin
  foreach t in array array['notes', 'closeouts', 'invoices', 'scheduled_messages', 'response_links'] loop
    execute format('create trigger %I before update of ticket_id on %I for each row execute function refuse_move_across_closed_ticket()',
      t || '_closed_ticket_move', t);
  end loop;
end $$;
-- A follow-up ticket points at the closed one it came from; a closed ticket itself is already guarded above.

-- TRUNCATE fires no row trigger: the tables that hold closed tickets refuse it outright, like the audit log.
create function refuse_ticket_truncate() returns trigger language plpgsql as $$
begin
  raise exception '% holds closed tickets, which never change: it cannot be truncated', tg_table_name using errcode = 'CR001';
end $$;
create trigger tickets_no_truncate before truncate on tickets
  for each statement execute function refuse_ticket_truncate();
create trigger ticket_line_items_no_truncate before truncate on ticket_line_items
  for each statement execute function refuse_ticket_truncate();
create trigger ticket_technicians_no_truncate before truncate on ticket_technicians
  for each statement execute function refuse_ticket_truncate();
