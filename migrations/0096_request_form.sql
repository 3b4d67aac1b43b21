-- The public request form: a business's own address (/r/<slug>), the catalog services customers may ask for, each
-- request that became a lead (with its photo), the bot checks' counters kept in the database (several servers share
-- them) and the count of what they stopped, which the owner reads.

-- The business's public address, chosen by the owner; unique across businesses, lower-case letters, digits and dashes.
alter table tenants add column request_slug text check (request_slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$');
create unique index tenants_request_slug on tenants (request_slug) where request_slug is not null;
-- The key the request form's time stamp is signed with: shared by every server through the database.
alter table tenants add column request_form_key uuid not null default gen_random_uuid();
-- The request page finds its business by the slug alone, as the sign-in role (no business is set yet).
create policy request_slug_lookup on tenants for select to crm_sign_in
  using (request_slug is not null and request_slug = app_lookup('request_slug'));

-- A catalog service customers may choose on the request form.
alter table services add column bookable boolean not null default false;

-- A request sent with the form: the lead it became, what it asked for as given, the customer it matched, its photo.
create table lead_requests (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  lead_id uuid not null,
  -- The customer whose email or phone the request gave, when there is one.
  contact_id uuid,
  service_ids uuid[] not null default '{}' check (cardinality(service_ids) <= 20),
  preferred_times text check (length(preferred_times) <= 500),
  photo bytea check (photo is null or length(photo) > 0),
  photo_type text check (photo_type in ('image/jpeg', 'image/png', 'image/webp', 'image/heic')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, lead_id) references leads (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  check ((photo is null) = (photo_type is null))
);
create unique index lead_requests_lead on lead_requests (tenant_id, lead_id);
alter table lead_requests enable row level security;
alter table lead_requests force row level security;
create policy tenant_rows on lead_requests using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on lead_requests to crm_app;

-- The request form's rate limits: hits per key (one client address, or the whole business) in fixed windows.
create table request_form_hits (
  tenant_id uuid not null references tenants (id),
  key text not null check (length(key) <= 100),
  window_start timestamptz not null,
  hits int not null default 0,
  primary key (tenant_id, key, window_start)
);
alter table request_form_hits enable row level security;
alter table request_form_hits force row level security;
create policy tenant_rows on request_form_hits using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on request_form_hits to crm_app;

-- What the bot checks stopped, per day and reason: a count only, nothing of what was sent.
create table request_form_blocked (
  tenant_id uuid not null references tenants (id),
  day date not null,
  reason text not null check (reason in ('honeypot', 'too_fast', 'bad_stamp', 'rate_limited')),
  blocked int not null default 0,
  primary key (tenant_id, day, reason)
);
alter table request_form_blocked enable row level security;
alter table request_form_blocked force row level security;
create policy tenant_rows on request_form_blocked using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on request_form_blocked to crm_app;
