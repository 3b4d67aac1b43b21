-- A past visit imported from the system a business moved from (Square's item sales: one paid transaction each) was
-- billed and paid there. tickets.paid_elsewhere names that system; such a visit is never unbilled work and is never
-- invoiced here. The visits imported before this column existed are the ones with a Square transaction id: they are
-- marked too. They are closed tickets, which never change, so the guard is lifted for this one statement only.
alter table tickets add column paid_elsewhere text check (paid_elsewhere ~ '^[a-z][a-z0-9_]{0,30}$');

alter table tickets disable trigger tickets_immutable_when_closed;
alter table tickets disable trigger tickets_updated_at;
update tickets t set paid_elsewhere = x.source
from ticket_external_ids x
where x.tenant_id = t.tenant_id and x.ticket_id = t.id and x.source = 'square' and t.paid_elsewhere is null;
alter table tickets enable trigger tickets_updated_at;
alter table tickets enable trigger tickets_immutable_when_closed;
