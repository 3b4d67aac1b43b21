-- Archived state is stored one way, as archived_at (as services, addresses, invoices and interactions keep it). Contacts
-- move to it: a contact archived before keeps the time it last changed as when it was archived.
-- status stays a stored column because it also says active or inactive, which a contact chooses apart from archiving,
-- and because writers of status = 'archived' remain (customer erasure, merge). A trigger keeps the two in step: setting
-- archived_at makes status 'archived'; setting status to 'archived' sets archived_at; setting it to active or inactive
-- clears archived_at (a restore). So every reader of status = 'archived' answers as before.
alter table contacts add column archived_at timestamptz;

alter table contacts disable trigger contacts_updated_at;
update contacts set archived_at = updated_at where status = 'archived';
alter table contacts enable trigger contacts_updated_at;

create function contact_archived_state() returns trigger language plpgsql as
$$ begin
  if tg_op = 'INSERT' then
    if new.status = 'archived' then new.archived_at := coalesce(new.archived_at, now()); end if;
  elsif new.archived_at is not distinct from old.archived_at then
    -- status was the one written: it decides
    new.archived_at := case when new.status = 'archived' then coalesce(old.archived_at, now()) end;
  end if;
  new.status := case when new.archived_at is not null then 'archived' when new.status = 'archived' then 'active' else new.status end;
  return new;
end $$;
create trigger contacts_archived_state before insert or update of status, archived_at on contacts
  for each row execute function contact_archived_state();
