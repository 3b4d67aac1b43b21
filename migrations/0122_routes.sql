-- Routes: where a technician's day starts and ends (the business's home base, or a technician's own start), and the
-- order of a day's visits once planned. A visit marked anytime may be moved within its day's route; the others keep
-- their times.

create table route_starts (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  -- null: the business's home base, where every technician without a start of their own begins.
  user_id uuid,
  label text not null check (length(label) between 1 and 200),
  latitude double precision not null check (latitude between -90 and 90),
  longitude double precision not null check (longitude between -180 and 180),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique nulls not distinct (tenant_id, user_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create trigger route_starts_updated_at before update on route_starts for each row execute function set_updated_at();

create table route_stops (
  tenant_id uuid not null,
  ticket_id uuid not null,
  anytime boolean not null default false,
  -- The visit's place in its day's route, from the last plan; null until one is made.
  position int check (position > 0),
  primary key (tenant_id, ticket_id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id) on delete cascade
);

do $$
declare t text;
begin
  foreach t in array array['route_starts', 'route_stops'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_rows on %I using (tenant_id = app_tenant()) with check (tenant_id = app_tenant())', t);
    execute format('grant select, insert, update, delete on %I to crm_app', t);
  end loop;
end $$;
