-- The limits that protect sign-in, tokens, client registration, calendar feeds and secret links were counted in each
-- server process's memory, so two servers allowed twice the attempts. They are counted here, shared by every process.
-- A key (a client address, an email, a token prefix) is kept only as its SHA-256: nothing personal is stored.
create table rate_limit_windows (
  limiter text not null check (limiter ~ '^[a-z][a-z0-9_-]{0,63}$'),
  key_hash text not null check (length(key_hash) between 16 and 128),
  window_start timestamptz not null,
  window_ends timestamptz not null,
  hits int not null check (hits > 0),
  primary key (limiter, key_hash, window_start)
);
create index rate_limit_windows_ends on rate_limit_windows (window_ends);

-- Counts one hit of a key in the current fixed window of p_window_ms (aligned to the epoch, so every process agrees on
-- it) and answers the hits so far in that window and when it ends. One statement: two processes never lose a hit.
create function hit_rate_limit(p_limiter text, p_key_hash text, p_window_ms double precision)
returns table (hits int, window_ends timestamptz)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_start timestamptz := to_timestamp(floor(extract(epoch from clock_timestamp()) * 1000 / p_window_ms) * p_window_ms / 1000);
begin
  return query
    insert into rate_limit_windows as w (limiter, key_hash, window_start, window_ends, hits)
    values (p_limiter, p_key_hash, v_start, v_start + make_interval(secs => p_window_ms / 1000), 1)
    on conflict (limiter, key_hash, window_start) do update set hits = w.hits + 1
    returning w.hits, w.window_ends;
end $$;
revoke all on function hit_rate_limit(text, text, double precision) from public;
grant execute on function hit_rate_limit(text, text, double precision) to crm_worker;

-- Forgets windows that ended: the worker's hourly purge.
create function purge_rate_limits(p_now timestamptz) returns bigint
language sql security definer set search_path = public, pg_temp as $$
  with gone as (delete from rate_limit_windows where window_ends < p_now returning 1) select count(*) from gone;
$$;
revoke all on function purge_rate_limits(timestamptz) from public;
grant execute on function purge_rate_limits(timestamptz) to crm_worker;
