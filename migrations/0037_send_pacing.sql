-- One pacing row per email account: every process sending through this database (servers, `crm worker`s) takes its
-- turn here, so the provider's limit (Resend: 2 requests per second per team) holds for all of them together, and a
-- 429's Retry-After holds them all. Not tenant data: the app role has no access; the worker role calls the functions.
create table send_pacing (
  sender text primary key,
  -- The earliest moment the next send may start.
  next_at timestamptz not null default now(),
  -- No send starts before this (the provider's Retry-After).
  hold_until timestamptz not null default now()
);

-- Takes the next send slot of the sender, `p_gap_ms` after the one before it and not during a hold, unless that slot
-- is more than `p_max_wait_ms` away: then nothing is taken and `claimed` is false. `wait_ms` is how long until the
-- slot, by the database's clock, so processes with different clocks agree.
create function claim_send_slot(p_sender text, p_gap_ms double precision, p_max_wait_ms double precision)
returns table (slot timestamptz, wait_ms double precision, claimed boolean)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_row send_pacing%rowtype;
  v_now timestamptz;
  v_slot timestamptz;
begin
  insert into send_pacing (sender) values (p_sender) on conflict (sender) do nothing;
  select * into v_row from send_pacing p where p.sender = p_sender for update;
  -- Read after the lock: time spent waiting for another sender's claim does not count as ours.
  v_now := clock_timestamp();
  v_slot := greatest(v_row.next_at, v_now, v_row.hold_until);
  if v_slot > v_now + p_max_wait_ms * interval '1 millisecond' then
    return query select v_slot, extract(epoch from v_slot - v_now)::double precision * 1000, false;
    return;
  end if;
  update send_pacing p set next_at = v_slot + p_gap_ms * interval '1 millisecond' where p.sender = p_sender;
  return query select v_slot, extract(epoch from v_slot - v_now)::double precision * 1000, true;
end $$;

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

-- Until when the sender's sends are held (null when it never sent): a turn taken before a hold began and falling inside
-- it must not go.
create function send_hold_until(p_sender text) returns timestamptz
language sql stable security definer set search_path = public, pg_temp as $$
  select p.hold_until from send_pacing p where p.sender = p_sender
$$;

revoke all on function claim_send_slot(text, double precision, double precision) from public;
revoke all on function hold_sends(text, double precision) from public;
revoke all on function send_hold_until(text) from public;
grant execute on function claim_send_slot(text, double precision, double precision) to crm_worker;
grant execute on function hold_sends(text, double precision) to crm_worker;
grant execute on function send_hold_until(text) to crm_worker;
