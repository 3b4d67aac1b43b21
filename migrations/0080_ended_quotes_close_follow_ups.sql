-- A quote's "expires, follow up" reminder (the interaction the worker logs two days before it lapses) stayed due after
-- the quote ended: accepted or declined by the customer's link, the owner or the agent, cancelled, or expired. Every
-- way a quote ends now marks it done; this closes the reminders of quotes that ended before, at the moment each quote
-- ended, with the outcome saying why (unless one was written), audited as the system.

with ended as (
  select i.tenant_id, i.id, i.outcome as old_outcome,
    coalesce(i.outcome, 'Quote ' || q.number || case when q.status = 'expired' then ' expired' else ' was ' || q.status end) as new_outcome,
    coalesce(case when q.status in ('accepted', 'declined') then q.answered_at end, q.cancelled_at, q.expired_at, q.updated_at) as ended_at
  from quotes q join interactions i on i.tenant_id = q.tenant_id and i.id = q.follow_up_interaction_id
  where q.status in ('accepted', 'declined', 'cancelled', 'expired') and i.follow_up_done_at is null and i.archived_at is null
), closed as (
  update interactions i set follow_up_done_at = e.ended_at, outcome = e.new_outcome
  from ended e where i.tenant_id = e.tenant_id and i.id = e.id
  returning e.tenant_id, e.id, e.ended_at, e.old_outcome, e.new_outcome
)
insert into audit_log (tenant_id, entity_type, entity_id, action, changes, actor_type, request_id)
select tenant_id, 'interaction', id, 'update',
  jsonb_build_object('follow_up_done_at', jsonb_build_object('old', null, 'new', ended_at))
    || case when old_outcome is distinct from new_outcome then jsonb_build_object('outcome', jsonb_build_object('old', old_outcome, 'new', new_outcome))
       else '{}'::jsonb end,
  'system', 'migration 0080'
from closed;
