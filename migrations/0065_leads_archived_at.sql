-- Leads carry archived state as archived_at, as every other archived record now does. status stays: it is the lead's
-- place in the funnel (new, contacted, qualified, converted) and 'archived' is one of its steps, which the lead's own
-- actions write. As for contacts (0063), a trigger keeps the two in step: status 'archived' sets archived_at; any other
-- status clears it (a reopened lead); setting archived_at makes status 'archived', and clearing it reopens the lead as new.
-- A lead archived before keeps the time it last changed as when it was archived.
alter table leads add column archived_at timestamptz;

alter table leads disable trigger leads_updated_at;
update leads set archived_at = updated_at where status = 'archived';
alter table leads enable trigger leads_updated_at;

create function lead_archived_state() returns trigger language plpgsql as
$$ begin
  if tg_op = 'INSERT' then
    if new.status = 'archived' then new.archived_at := coalesce(new.archived_at, now()); end if;
  elsif new.archived_at is not distinct from old.archived_at then
    new.archived_at := case when new.status = 'archived' then coalesce(old.archived_at, now()) end;
  end if;
  new.status := case when new.archived_at is not null then 'archived' when new.status = 'archived' then 'new' else new.status end;
  return new;
end $$;
create trigger leads_archived_state before insert or update of status, archived_at on leads
  for each row execute function lead_archived_state();
