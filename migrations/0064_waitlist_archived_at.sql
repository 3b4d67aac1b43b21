-- Archived state is stored one way, as archived_at. A waitlist entry taken off the list (status 'removed') moves to it,
-- keeping the time it last changed as when it was removed. status stays a stored column because it also says waiting,
-- offered or scheduled, and because writers of status = 'removed' remain (customer erasure, merge). A trigger keeps the
-- two in step: setting archived_at makes status 'removed', and setting status to 'removed' sets archived_at. A removed
-- entry is never put back, so nothing clears archived_at.
alter table waitlist_entries add column archived_at timestamptz;

alter table waitlist_entries disable trigger waitlist_updated_at;
update waitlist_entries set archived_at = updated_at where status = 'removed';
alter table waitlist_entries enable trigger waitlist_updated_at;

alter table waitlist_entries add constraint waitlist_removed_when_archived check ((status = 'removed') = (archived_at is not null));

create function waitlist_archived_state() returns trigger language plpgsql as
$$ begin
  if new.status = 'removed' and new.archived_at is null then
    new.archived_at := now();
  elsif new.archived_at is not null then
    new.status := 'removed';
  end if;
  return new;
end $$;
create trigger waitlist_archived_state before insert or update of status, archived_at on waitlist_entries
  for each row execute function waitlist_archived_state();
