-- Calendar subscriptions: an iCal address per technician (their assigned tickets) or for the whole business, that a
-- phone's calendar fetches on its own schedule without signing in. The address carries a secret; only its hash is
-- stored, the address is shown once when made, and revoking it makes every later fetch a 404.
create table calendar_feeds (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  scope text not null check (scope in ('business', 'technician')),
  -- The team member whose assigned tickets the feed shows; none for the business feed.
  user_id uuid,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_fetched_at timestamptz,
  primary key (tenant_id, id),
  check ((scope = 'technician') = (user_id is not null)),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index calendar_feeds_user on calendar_feeds (tenant_id, user_id);
alter table calendar_feeds enable row level security;
alter table calendar_feeds force row level security;
create policy tenant_rows on calendar_feeds using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
-- A calendar's fetch carries only the secret: the row matching its hash may be read, by the sign-in role alone, to
-- learn the business.
create policy link_lookup on calendar_feeds for select to crm_sign_in using (token_hash = app_lookup('token_hash'));
grant select, insert, update on calendar_feeds to crm_app;
