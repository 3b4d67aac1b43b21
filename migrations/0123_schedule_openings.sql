-- Openings in the schedule: a visit still to come cancelled, marked a no-show, or moved leaves its technician's time
-- free. Each is kept so the waitlist's customers who live near the technician's visits around it can be offered it.
-- How far from those visits counts as near is the owner's setting.

alter table tenants add column gap_fill_meters int not null default 8000 check (gap_fill_meters between 100 and 200000);

create table schedule_openings (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  ticket_id uuid not null,
  user_id uuid not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text not null check (reason in ('cancelled', 'no_show', 'moved')),
  created_at timestamptz not null default now(),
  dismissed_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references users (tenant_id, id),
  check (ends_at > starts_at)
);
create index schedule_openings_ahead on schedule_openings (tenant_id, starts_at) where dismissed_at is null;
alter table schedule_openings enable row level security;
alter table schedule_openings force row level security;
create policy tenant_rows on schedule_openings using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on schedule_openings to crm_app;

-- The time a booked visit held, once it no longer holds it: one opening per technician on it (those past are read as gone).
create function record_schedule_opening() returns trigger language plpgsql as $$
declare why text;
begin
  if old.status not in ('scheduled', 'confirmed') then return new; end if;
  if new.status in ('cancelled', 'no_show') then why := new.status;
  elsif new.scheduled_start <> old.scheduled_start or new.scheduled_end <> old.scheduled_end then why := 'moved';
  else return new;
  end if;
  insert into schedule_openings (tenant_id, ticket_id, user_id, starts_at, ends_at, reason)
  select old.tenant_id, old.id, tt.user_id, old.scheduled_start, old.scheduled_end, why
    from ticket_technicians tt where tt.ticket_id = old.id;
  return new;
end $$;
create trigger tickets_record_opening after update of status, scheduled_start, scheduled_end on tickets
  for each row execute function record_schedule_opening();
