-- A lead converted to a customer left its records behind: its opportunities kept no customer, and its notes and
-- interactions (calls, follow-ups) stayed on the lead, out of the customer's page, timeline and follow-ups. Conversion
-- now moves them (lead.convert); this moves those of leads converted before. A converted lead names its customer, so
-- the records to move are known exactly: notes and interactions on a converted lead move to its customer (they have
-- one subject), opportunities without a customer gain it and keep the lead they came from. Each move is audited as
-- the system, as lead.convert audits it (action follow_lead).

with moved as (
  update notes n set contact_id = l.converted_contact_id, lead_id = null
  from leads l
  where l.tenant_id = n.tenant_id and l.id = n.lead_id and l.status = 'converted' and l.converted_contact_id is not null
  returning n.tenant_id, n.id, l.id as lead_id, l.converted_contact_id as contact_id
)
insert into audit_log (tenant_id, entity_type, entity_id, action, changes, actor_type, request_id)
select tenant_id, 'note', id, 'follow_lead', jsonb_build_object('lead_id', jsonb_build_object('old', lead_id, 'new', null),
  'contact_id', jsonb_build_object('old', null, 'new', contact_id)), 'system', 'migration 0079'
from moved;

with moved as (
  update interactions i set contact_id = l.converted_contact_id, lead_id = null
  from leads l
  where l.tenant_id = i.tenant_id and l.id = i.lead_id and l.status = 'converted' and l.converted_contact_id is not null
  returning i.tenant_id, i.id, l.id as lead_id, l.converted_contact_id as contact_id
)
insert into audit_log (tenant_id, entity_type, entity_id, action, changes, actor_type, request_id)
select tenant_id, 'interaction', id, 'follow_lead', jsonb_build_object('lead_id', jsonb_build_object('old', lead_id, 'new', null),
  'contact_id', jsonb_build_object('old', null, 'new', contact_id)), 'system', 'migration 0079'
from moved;

with moved as (
  update opportunities o set contact_id = l.converted_contact_id
  from leads l
  where l.tenant_id = o.tenant_id and l.id = o.lead_id and o.contact_id is null and l.status = 'converted' and l.converted_contact_id is not null
  returning o.tenant_id, o.id, l.converted_contact_id as contact_id
)
insert into audit_log (tenant_id, entity_type, entity_id, action, changes, actor_type, request_id)
select tenant_id, 'opportunity', id, 'follow_lead', jsonb_build_object('contact_id', jsonb_build_object('old', null, 'new', contact_id)),
  'system', 'migration 0079'
from moved;
