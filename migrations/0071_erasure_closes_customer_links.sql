-- Erasing a customer closes every link they got by email. The answer links of their appointment and quote emails and
-- the pay links of their invoices kept working: an erased customer's quote could be accepted by its link, making an
-- order for "Erased customer". Erasure now deletes those links, so each reads as a link that never existed; the audit
-- keeps when each was used.
--
-- erase_customer() keeps its work under a new name, erase_customer_records(), callable only from erase_customer(),
-- which runs it and then closes the links: the one path in stays erase_customer(), as the app calls it.
alter function erase_customer(uuid, timestamptz) rename to erase_customer_records;
revoke execute on function erase_customer_records(uuid, timestamptz) from crm_app;

create function erase_customer(p_erasure uuid, p_now timestamptz) returns jsonb
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_tenant uuid := app_tenant();
  people uuid[];
  counts jsonb;
  changed int;
begin
  counts := erase_customer_records(p_erasure, p_now);
  people := array(select c.id from erasures e join contacts c on c.tenant_id = e.tenant_id and (c.id = e.contact_id or c.merged_into = e.contact_id)
    where e.tenant_id = v_tenant and e.id = p_erasure);

  delete from response_links l where l.tenant_id = v_tenant and (
    exists (select 1 from scheduled_messages m where m.tenant_id = v_tenant and m.id = l.message_id and m.contact_id = any(people))
    or exists (select 1 from tickets t where t.tenant_id = v_tenant and t.id = l.ticket_id and t.contact_id = any(people))
    or exists (select 1 from quotes q where q.tenant_id = v_tenant and q.id = l.quote_id and q.contact_id = any(people)));
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('response_links', changed);

  delete from pay_links p where p.tenant_id = v_tenant
    and exists (select 1 from invoices i where i.tenant_id = v_tenant and i.id = p.invoice_id and i.contact_id = any(people));
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('pay_links', changed);
  return counts;
end $$;
revoke execute on function erase_customer(uuid, timestamptz) from public;
grant execute on function erase_customer(uuid, timestamptz) to crm_app;
