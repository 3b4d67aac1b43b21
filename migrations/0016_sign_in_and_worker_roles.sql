-- Cross-business doors closed to the app role. A request's transaction runs as crm_app and may set any app.* setting
-- itself, so a policy that admits rows by a setting (app.lookup_email, app.lookup_token_hash, ...) must not apply to
-- crm_app, and no function that reaches across businesses may be executable by it.
--   crm_sign_in: finds the one account, link, session or token matching a secret or an email (no tenant yet).
--   crm_worker:  runs the cross-business scans of the worker and the provider webhooks: it may only call their functions.

do $$ begin
  create role crm_sign_in nologin;
exception when duplicate_object or unique_violation then null;
end $$;
do $$ begin
  create role crm_worker nologin;
exception when duplicate_object or unique_violation then null;
end $$;
do $$ begin
  execute format('grant crm_sign_in, crm_worker to %I', current_user);
exception when others then raise notice 'could not grant crm_sign_in, crm_worker to %: %', current_user, sqlerrm;
end $$;
-- Once a sign-in found its row it continues in that row's business exactly like a request does.
grant crm_app to crm_sign_in;

-- The lookup policies admit rows to the sign-in role only; setting app.lookup_* as crm_app now reveals nothing.
alter policy sign_in_lookup on users to crm_sign_in;
alter policy token_lookup on agent_tokens to crm_sign_in;
alter policy token_touch on agent_tokens to crm_sign_in;
alter policy link_lookup on magic_links to crm_sign_in;
alter policy link_use on magic_links to crm_sign_in;
alter policy session_lookup on sessions to crm_sign_in;
alter policy session_touch on sessions to crm_sign_in;
alter policy link_lookup on response_links to crm_sign_in;
alter policy link_lookup on pay_links to crm_sign_in;

-- The worker's and the webhook's cross-business functions: for the worker role only.
revoke execute on function claim_due_messages(int, int, timestamptz) from crm_app;
revoke execute on function message_by_provider_id(text) from crm_app;
revoke execute on function tenants_with_overdue_invoices(timestamptz) from crm_app;
grant execute on function claim_due_messages(int, int, timestamptz) to crm_worker;
grant execute on function message_by_provider_id(text) to crm_worker;
grant execute on function tenants_with_overdue_invoices(timestamptz) to crm_worker;

-- Token checks run as the connection's own role before any request transaction exists.
revoke execute on function authenticate_agent_token(text) from crm_app;

-- The search refreshers take any business's id and run as the owner; only the owner's own triggers call them.
revoke execute on function search_refresh_contacts(uuid, uuid[]) from public;
revoke execute on function search_refresh_tickets(uuid, uuid[]) from public;
revoke execute on function search_refresh_invoices(uuid, uuid[]) from public;
revoke execute on function search_refresh_leads(uuid, uuid[]) from public;
revoke execute on function search_refresh_notes(uuid, uuid[]) from public;

-- One business's time zone must not stop the overdue scan of the others: a name PostgreSQL does not know made the one
-- cross-business query fail for all. The scan now names every business with an open invoice due before today in UTC
-- (no place on earth is a day ahead of that), and the worker decides each business's own "today" in that business's
-- transaction, where a failure stays that business's. Same signature: the grants above still apply.
create or replace function tenants_with_overdue_invoices(p_now timestamptz) returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_overdue_scan', 'on', true);
  return query
    select distinct i.tenant_id from invoices i
    where i.status in ('sent', 'partially_paid') and i.amount_due_cents > 0 and i.due_on <= (p_now at time zone 'UTC')::date;
  perform set_config('app.lookup_overdue_scan', '', true);
end $$;
