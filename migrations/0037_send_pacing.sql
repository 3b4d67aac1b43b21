-- Pacing shared by every process sending through this database (servers, `crm worker`s), per email account, so the
-- provider's limit (Resend: 2 requests per second per team) holds for all of them together, and a 429's Retry-After
-- holds them all. Not tenant data: the app role has no access; the worker role calls the functions.
--
-- Two parts. Slots put the senders in a queue, spaced at the configured rate, so they do not all wake at once. Permits
-- make the limit exact: N permits, a send takes one when its slot comes, and the permit is free again only a window
-- after the provider answered that send. The provider counts a request between its start and its answer, so no window
-- of its count can hold more than N of ours, however late a request travelled.
create table send_pacing (
  sender text primary key,
  -- The next free slot.
  next_at timestamptz not null default now(),
  -- No send starts before this (the provider's Retry-After).
  hold_until timestamptz not null default now()
);

create table send_permits (
  sender text not null references send_pacing (sender),
  permit int not null,
  -- When it may carry a send again: a window after the provider answered its last one.
  free_at timestamptz not null default now(),
  -- Set while a send holds it; a sender that died holding it frees it a window after this.
  lease_until timestamptz,
  primary key (sender, permit)
);

create index send_permits_idle on send_permits (sender, free_at) where lease_until is null;
create index send_permits_out on send_permits (sender, lease_until) where lease_until is not null;

-- Takes a free permit of the sender's first `p_permits` at `p_now`, held for at most `p_lease_ms`, and returns it; or,
-- when none is free yet, null and how long until the first is (a short while when all are out on sends). The caller
-- holds the sender's pacing row. Called only by the functions below.
create function send_permit_now(p_sender text, p_permits int, p_window_ms double precision, p_lease_ms double precision, p_now timestamptz)
returns table (permit int, wait_ms double precision)
language plpgsql set search_path = public, pg_temp as $$
declare
  v_permit int;
  v_free timestamptz;
begin
  if not exists (select 1 from send_permits s where s.sender = p_sender and s.permit = p_permits - 1) then
    insert into send_permits (sender, permit) select p_sender, g from generate_series(0, p_permits - 1) g on conflict do nothing;
  end if;
  select s.permit, s.free_at into v_permit, v_free from send_permits s
  where s.sender = p_sender and s.lease_until is null and s.permit < p_permits order by s.free_at limit 1;
  if v_permit is null or v_free > p_now then
    -- A permit whose sender died on its send is free a window after its lease ended.
    select s.permit into v_permit from send_permits s
    where s.sender = p_sender and s.lease_until is not null and s.permit < p_permits
      and s.lease_until + p_window_ms * interval '1 millisecond' <= p_now
    order by s.lease_until limit 1;
    if v_permit is null then
      return query select null::int, coalesce(extract(epoch from v_free - p_now)::double precision * 1000, 20);
      return;
    end if;
  end if;
  update send_permits s set lease_until = p_now + p_lease_ms * interval '1 millisecond' where s.sender = p_sender and s.permit = v_permit;
  return query select v_permit, 0::double precision;
end $$;
revoke all on function send_permit_now(text, int, double precision, double precision, timestamptz) from public;

-- A send's turn. It takes the sender's next slot, `p_gap_ms` after the one before and not during a hold: outcome
-- `too_far` (nothing taken) when that is more than `p_max_wait_ms` away, `slot` when it is to come (sleep `wait_ms`, then
-- take_send_permit), else a permit at once: `go` with it, or `wait` (`wait_ms`, then take_send_permit). Waits are by
-- the database's clock, so processes whose clocks differ still agree.
create function take_send_turn(p_sender text, p_gap_ms double precision, p_permits int, p_window_ms double precision,
  p_lease_ms double precision, p_max_wait_ms double precision)
returns table (outcome text, permit int, wait_ms double precision)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_row send_pacing%rowtype;
  v_now timestamptz;
  v_slot timestamptz;
  v_permit int;
  v_wait double precision;
begin
  insert into send_pacing (sender) values (p_sender) on conflict (sender) do nothing;
  select * into v_row from send_pacing p where p.sender = p_sender for update;
  -- Read after the lock: time spent waiting for another sender's turn does not count as ours.
  v_now := clock_timestamp();
  v_slot := greatest(v_row.next_at, v_now, v_row.hold_until);
  if v_slot > v_now + p_max_wait_ms * interval '1 millisecond' then
    return query select 'too_far'::text, null::int, extract(epoch from v_slot - v_now)::double precision * 1000;
    return;
  end if;
  update send_pacing p set next_at = v_slot + p_gap_ms * interval '1 millisecond' where p.sender = p_sender;
  if v_slot > v_now then
    return query select 'slot'::text, null::int, extract(epoch from v_slot - v_now)::double precision * 1000;
    return;
  end if;
  select n.permit, n.wait_ms into v_permit, v_wait from send_permit_now(p_sender, p_permits, p_window_ms, p_lease_ms, v_now) n;
  return query select case when v_permit is null then 'wait' else 'go' end, v_permit, v_wait;
end $$;

-- A permit for a send whose slot has come: `go` with it; `wait` (`wait_ms`) when none is free yet; `held` when a hold
-- began since the slot was taken (take a new turn, which comes after the hold).
create function take_send_permit(p_sender text, p_permits int, p_window_ms double precision, p_lease_ms double precision)
returns table (outcome text, permit int, wait_ms double precision)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_hold timestamptz;
  v_now timestamptz;
  v_permit int;
  v_wait double precision;
begin
  select p.hold_until into v_hold from send_pacing p where p.sender = p_sender for update;
  v_now := clock_timestamp();
  if v_hold > v_now then
    return query select 'held'::text, null::int, extract(epoch from v_hold - v_now)::double precision * 1000;
    return;
  end if;
  select n.permit, n.wait_ms into v_permit, v_wait from send_permit_now(p_sender, p_permits, p_window_ms, p_lease_ms, v_now) n;
  return query select case when v_permit is null then 'wait' else 'go' end, v_permit, v_wait;
end $$;

-- Gives a permit back once the provider answered its send (or the send failed): free again a window from now.
create function release_send_permit(p_sender text, p_permit int, p_window_ms double precision) returns void
language sql security definer set search_path = public, pg_temp as $$
  update send_permits set free_at = clock_timestamp() + p_window_ms * interval '1 millisecond', lease_until = null
  where sender = p_sender and permit = p_permit
$$;

-- Holds every send of the sender for `p_seconds` from now (a 429's Retry-After); a longer hold already set stays.
create function hold_sends(p_sender text, p_seconds double precision) returns timestamptz
language plpgsql security definer set search_path = public, pg_temp as $$
declare v_until timestamptz := clock_timestamp() + p_seconds * interval '1 second';
begin
  insert into send_pacing as p (sender, hold_until) values (p_sender, v_until)
  on conflict (sender) do update set hold_until = greatest(p.hold_until, excluded.hold_until)
  returning p.hold_until into v_until;
  return v_until;
end $$;

revoke all on function take_send_turn(text, double precision, int, double precision, double precision, double precision) from public;
revoke all on function take_send_permit(text, int, double precision, double precision) from public;
revoke all on function release_send_permit(text, int, double precision) from public;
revoke all on function hold_sends(text, double precision) from public;
grant execute on function take_send_turn(text, double precision, int, double precision, double precision, double precision) to crm_worker;
grant execute on function take_send_permit(text, int, double precision, double precision) to crm_worker;
grant execute on function release_send_permit(text, int, double precision) to crm_worker;
grant execute on function hold_sends(text, double precision) to crm_worker;
