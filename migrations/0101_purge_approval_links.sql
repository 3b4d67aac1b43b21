-- Approval links stop working when used or when their request expires; a day after, the worker's hourly purge removes
-- them (the day lets a second tap still be told "already answered" rather than "unknown link").
create function purge_approval_links(p_now timestamptz) returns bigint
language sql security definer set search_path = public, pg_temp as $$
  with gone as (
    delete from approval_links
     where expires_at < p_now - interval '1 day' or used_at < p_now - interval '1 day'
    returning 1
  )
  select count(*) from gone;
$$;
revoke all on function purge_approval_links(timestamptz) from public;
grant execute on function purge_approval_links(timestamptz) to crm_worker;
