-- Every service address gets a point (latitude, longitude) from a geocoder, found in the background by the worker
-- (core/domains/geocoding), or placed by hand by the owner.

-- point_status: pending (not looked up yet, or the address changed), found (the geocoder matched it), not_found (it
-- matched nothing, or the geocoder does not cover the country), failed (the geocoder could not answer; tried again at
-- point_retry_at), by_hand (the owner placed the pin). point_note says it in words on the address.
-- point_retry_at is also the lease of a worker that took the address, so two workers never look it up at once.
alter table addresses
  add column latitude double precision check (latitude between -90 and 90),
  add column longitude double precision check (longitude between -180 and 180),
  add column point_status text not null default 'pending'
    check (point_status in ('pending', 'found', 'not_found', 'failed', 'by_hand')),
  add column point_note text,
  add column point_at timestamptz,
  add column point_tries int not null default 0,
  add column point_retry_at timestamptz,
  add constraint addresses_point_whole check ((latitude is null) = (longitude is null)),
  add constraint addresses_point_placed check ((latitude is not null) = (point_status in ('found', 'by_hand')));

create index addresses_point_due on addresses (tenant_id, point_retry_at)
  where archived_at is null and point_status in ('pending', 'failed');

-- A changed street, town, ZIP or country moves the address: its old point, by hand or not, no longer says where it is.
create function reset_address_point() returns trigger language plpgsql as $$
begin
  if (new.line1, new.line2, new.city, new.state, new.postal_code, new.country)
     is distinct from (old.line1, old.line2, old.city, old.state, old.postal_code, old.country) then
    new.latitude := null;
    new.longitude := null;
    new.point_status := 'pending';
    new.point_note := null;
    new.point_at := null;
    new.point_tries := 0;
    new.point_retry_at := null;
  end if;
  return new;
end $$;
create trigger addresses_point_reset before update on addresses for each row execute function reset_address_point();

-- The businesses with addresses to look up now, for the worker (which reads no table itself).
create function addresses_awaiting_points(p_now timestamptz) returns table (tenant_id uuid)
language sql stable security definer set search_path = public, pg_temp as $$
  select distinct a.tenant_id from addresses a
  where a.archived_at is null and a.point_status in ('pending', 'failed')
    and (a.point_retry_at is null or a.point_retry_at <= p_now)
$$;
revoke all on function addresses_awaiting_points(timestamptz) from public;
grant execute on function addresses_awaiting_points(timestamptz) to crm_worker;

-- The distance in meters between two points along the earth's surface (haversine, on a sphere of the earth's mean
-- radius; within 0.5% of the ellipsoid's, about 50 m in 10 km). Plain SQL rather than the earthdistance extension:
-- the embedded engine cannot load it beside pg_trgm (see core/db/pglite.ts).
create function distance_meters(p_lat1 double precision, p_lon1 double precision, p_lat2 double precision, p_lon2 double precision)
returns double precision language sql immutable strict parallel safe as $$
  select 2 * 6371008.8 * asin(least(1, sqrt(
    power(sin(radians(p_lat2 - p_lat1) / 2), 2)
    + cos(radians(p_lat1)) * cos(radians(p_lat2)) * power(sin(radians(p_lon2 - p_lon1) / 2), 2))))
$$;
