-- Where each contact stands with the business, computed from its history: a prospect has never had a completed visit
-- nor paid anything; a customer had one or paid within the business's lapsed_after_months (or, having been a customer,
-- has a visit booked ahead); a past customer has history but nothing recent and nothing booked. The app recomputes the
-- contacts a change touches; the worker moves customers whose last activity left the window, found by index.
alter table tenants add column lapsed_after_months int not null default 18 check (lapsed_after_months between 1 and 120);

alter table contacts
  add column lifecycle text not null default 'prospect' check (lifecycle in ('prospect', 'customer', 'past_customer')),
  add column lifecycle_since timestamptz not null default now(),
  add column last_activity_at timestamptz;
create index contacts_lifecycle on contacts (tenant_id, lifecycle, created_at, id);
create index contacts_customer_activity on contacts (tenant_id, last_activity_at) where lifecycle = 'customer';

-- The one statement of the rule: each given contact's last activity (its latest completed visit or payment received)
-- and the stage that follows at p_now. Invoker's rights: the app sees only its own business.
create function contact_lifecycles(p_ids uuid[], p_now timestamptz)
returns table (contact_id uuid, last_activity_at timestamptz, lifecycle text)
language sql stable as $$
  select c.id, a.last_at,
    case when a.last_at is null then 'prospect'
         when a.last_at >= p_now - make_interval(months => t.lapsed_after_months) then 'customer'
         when exists (select 1 from tickets b where b.tenant_id = c.tenant_id and b.contact_id = c.id
                        and b.status in ('scheduled', 'confirmed', 'in_progress') and b.scheduled_end > p_now) then 'customer'
         else 'past_customer' end
  from contacts c
  join tenants t on t.id = c.tenant_id
  cross join lateral (select greatest(
      (select max(k.scheduled_start) from tickets k where k.tenant_id = c.tenant_id and k.contact_id = c.id and k.status = 'completed'),
      (select max(p.received_at) from payments p join invoices i on i.tenant_id = p.tenant_id and i.id = p.invoice_id
        where i.tenant_id = c.tenant_id and i.contact_id = c.id and i.status <> 'void')) as last_at) a
  where c.id = any(p_ids)
$$;

-- Every existing contact starts where its history puts it; lifecycle_since is its last activity when it has one.
update contacts c set lifecycle = l.lifecycle, last_activity_at = l.last_activity_at,
  lifecycle_since = coalesce(l.last_activity_at, c.created_at)
from contact_lifecycles((select coalesce(array_agg(id), '{}') from contacts), now()) l
where l.contact_id = c.id;

-- The businesses with a customer whose last activity is older than that business's window at p_now. The worker then
-- recomputes those contacts inside each business's own transaction, audited there.
create function tenants_with_lapsing_customers(p_now timestamptz) returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_lifecycle_scan', 'on', true);
  return query
    select t.id from tenants t
    where exists (select 1 from contacts c where c.tenant_id = t.id and c.lifecycle = 'customer'
                    and c.last_activity_at < p_now - make_interval(months => t.lapsed_after_months));
  perform set_config('app.lookup_lifecycle_scan', '', true);
end $$;
revoke all on function tenants_with_lapsing_customers(timestamptz) from public;
grant execute on function tenants_with_lapsing_customers(timestamptz) to crm_worker;

-- As for the worker's other scans: rows are admitted only to the function's owner while its lookup flag is set.
do $$ begin
  execute format('create policy lifecycle_scan on contacts for select to %I using (app_lookup(''lifecycle_scan'') = ''on'')', current_user);
  execute format('create policy lifecycle_scan on tenants for select to %I using (app_lookup(''lifecycle_scan'') = ''on'')', current_user);
end $$;
