-- A lifecycle refresh (core/domains/contacts/lifecycle.ts), run after every action that touches a visit, an invoice or a
-- payment. Most refreshes change nothing (a booking in the future moves no customer's last activity), so the contacts are
-- compared first and nothing is locked or written when none differs: the update's row locks, and the search index's
-- statement trigger that fires even for an update of no row, are paid only by a change. As plpgsql its statements are
-- planned once per connection; the statement alone took about a millisecond to plan on every call. The rule itself is
-- contact_lifecycles (migration 0112). Returns the contacts whose lifecycle or last activity changed, with the lifecycle
-- before and after.
create or replace function refresh_contact_lifecycles(p_ids uuid[], p_now timestamptz)
returns table (contact_id uuid, old text, new text)
language plpgsql volatile as $$
#variable_conflict use_column
declare
  v_changed uuid[];
begin
  select coalesce(array_agg(c.id), '{}') into v_changed
  from contact_lifecycles(p_ids, p_now) f
  join contacts c on c.tenant_id = app_tenant() and c.id = f.contact_id
  where c.merged_into is null
    and (c.lifecycle is distinct from f.lifecycle or c.last_activity_at is distinct from f.last_activity_at);
  if cardinality(v_changed) = 0 then return; end if;
  -- Computed again under the rows' locks: what another transaction committed meanwhile counts.
  return query
  with fresh as (select * from contact_lifecycles(v_changed, p_now)),
       locked as (select c.id, c.lifecycle from contacts c join fresh f on f.contact_id = c.id
                  where c.tenant_id = app_tenant() and c.merged_into is null for update of c)
  update contacts c set lifecycle = f.lifecycle, last_activity_at = f.last_activity_at,
    lifecycle_since = case when c.lifecycle = f.lifecycle then c.lifecycle_since else p_now end
  from fresh f join locked l on l.id = f.contact_id
  where c.tenant_id = app_tenant() and c.id = f.contact_id
    and (c.lifecycle is distinct from f.lifecycle or c.last_activity_at is distinct from f.last_activity_at)
  returning c.id, l.lifecycle, c.lifecycle;
end $$;
