-- Every action that touches a visit, an invoice or a payment refreshes its customers' lifecycles (refreshLifecycles).
-- As a SQL function, contact_lifecycles was inlined into that statement, and its three lookups were planned again on
-- every call: most of the statement's time. As plpgsql its query is planned once per session and kept. The rule is
-- 0043's, unchanged; a call is for the few contacts one action touched.
create or replace function contact_lifecycles(p_ids uuid[], p_now timestamptz)
returns table (contact_id uuid, last_activity_at timestamptz, lifecycle text)
language plpgsql stable rows 10 as $$
#variable_conflict use_column
begin
  return query
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
  where c.id = any(p_ids);
end $$;
