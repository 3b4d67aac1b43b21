-- Email delivery: leases on scheduled messages for the worker, the outbox kept while no provider is configured,
-- provider events (bounces, complaints), and the two cross-tenant functions the worker and the webhook need.

-- A worker holds a due message for a while (lease_until) under its own token; a worker killed mid-way leaves the
-- message to be claimed again once the lease has run out. outgoing is the email exactly as first handed to the
-- provider, so a later attempt sends the same bytes under the same idempotency key (links made at delivery differ
-- on every rendering, and a provider refuses a key reused with another payload).
alter table scheduled_messages add column lease_until timestamptz, add column lease_token uuid, add column outgoing jsonb;
create index scheduled_messages_pending_due on scheduled_messages (send_at) where status = 'pending';
create index scheduled_messages_provider on scheduled_messages (provider_message_id) where provider_message_id is not null;

-- Emails kept instead of sent while no provider is configured (RESEND_API_KEY unset), for the owner to read.
-- Append-only for the app role. Sign-in links never come here: the database keeps only hashes of sign-in secrets.
create table email_outbox (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  to_address text not null,
  from_address text not null,
  reply_to text,
  subject text not null,
  text_body text not null,
  html_body text,
  idempotency_key text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index email_outbox_key on email_outbox (tenant_id, idempotency_key) where idempotency_key is not null;
create index email_outbox_created on email_outbox (tenant_id, created_at desc);

-- What the provider told us about a sent email (bounced, complained); the event id makes a replayed webhook a no-op.
create table email_events (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  provider_event_id text not null,
  type text not null,
  scheduled_message_id uuid,
  contact_id uuid,
  detail jsonb not null default '{}',
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, provider_event_id),
  foreign key (tenant_id, scheduled_message_id) references scheduled_messages (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id)
);

do $$
declare t text;
begin
  foreach t in array array['email_outbox', 'email_events'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_rows on %I using (tenant_id = app_tenant()) with check (tenant_id = app_tenant())', t);
    execute format('grant select, insert on %I to crm_app', t);
  end loop;
end $$;

-- The functions below run as the owner of the tables. Where that owner is not a superuser, forced row security would
-- hide every row from it too; this policy lets the owner role (never the app role) see across tenants.
do $$ begin
  execute format('create policy delivery_owner on scheduled_messages to %I using (true) with check (true)', current_user);
end $$;

-- Claims up to p_limit due messages of every tenant for p_lease_seconds under one new lease token. Rows another worker
-- holds are skipped, not waited for, so any number of workers share the queue without sending a message twice.
create function claim_due_messages(p_limit int, p_lease_seconds int, p_now timestamptz)
returns table (tenant_id uuid, id uuid, lease_token uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
declare v_token uuid := gen_random_uuid();
begin
  return query
  update scheduled_messages m set lease_until = p_now + make_interval(secs => p_lease_seconds), lease_token = v_token
  from (select s.tenant_id, s.id from scheduled_messages s
        where s.status = 'pending' and s.send_at <= p_now and (s.lease_until is null or s.lease_until <= p_now)
        order by s.send_at
        limit p_limit
        for update skip locked) due
  where m.tenant_id = due.tenant_id and m.id = due.id
  returning m.tenant_id, m.id, m.lease_token;
end $$;
revoke all on function claim_due_messages(int, int, timestamptz) from public;
grant execute on function claim_due_messages(int, int, timestamptz) to crm_app;

-- The tenant and id of the message the provider knows by this id (a webhook names only the provider's id).
create function message_by_provider_id(p_provider_id text) returns table (tenant_id uuid, id uuid)
language sql stable security definer set search_path = public, pg_temp as $$
  select s.tenant_id, s.id from scheduled_messages s where s.provider_message_id = p_provider_id limit 1
$$;
revoke all on function message_by_provider_id(text) from public;
grant execute on function message_by_provider_id(text) to crm_app;

-- A bounce or complaint belongs to an address: giving the contact another primary email starts it afresh.
create function reset_email_status() returns trigger language plpgsql as $$
begin
  if lower(primary_value(new.emails)) is distinct from lower(primary_value(old.emails)) then
    new.email_status := 'ok';
  end if;
  return new;
end $$;
create trigger contacts_email_status before update of emails on contacts for each row execute function reset_email_status();
