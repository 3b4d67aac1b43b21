-- The owner answers a queued agent call from the email about it: each owner's email carries one secret link (only its
-- hash kept) bound to the request and to the version of its call, working once, until the request expires. How long a
-- request waits is the owner's setting.

alter table tenants add column approval_expiry_hours int not null default 72
  check (approval_expiry_hours between 1 and 720);

-- Bumped by each edit of a pending call: links made for an earlier version no longer decide anything.
alter table authorization_requests add column call_version int not null default 1;

create table approval_links (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  request_id uuid not null,
  user_id uuid not null,
  call_version int not null,
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, request_id) references authorization_requests (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index approval_links_request on approval_links (tenant_id, request_id);
alter table approval_links enable row level security;
alter table approval_links force row level security;
create policy tenant_rows on approval_links using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
-- An owner's tap carries only the secret: the row matching its hash may be read to learn the business.
create policy link_lookup on approval_links for select to crm_sign_in using (token_hash = app_lookup('token_hash'));
grant select, insert, update on approval_links to crm_app;
