-- Gmail: the owner's mailbox read with Gmail's history API from a start point, and the messages it made into timeline
-- interactions or leads (each Gmail message once).

create table gmail_mailboxes (
  tenant_id uuid not null references tenants (id),
  user_id uuid not null,
  -- The account the start point belongs to: another account connected later starts afresh.
  google_email text not null,
  -- The labels read (Gmail label ids), chosen by the owner.
  labels text[] not null default '{INBOX,SENT}' check (cardinality(labels) between 1 and 20),
  -- Gmail's history id read up to; null until the first read.
  history_id text check (history_id ~ '^[0-9]+$'),
  started_at timestamptz,
  -- When the last read ended: after Google forgot the start point, mail since then is listed again.
  read_through timestamptz,
  -- The mailbox's labels as Gmail last listed them ([{id, name, type}]), for choosing.
  label_list jsonb check (label_list is null or jsonb_typeof(label_list) = 'array'),
  label_list_at timestamptz,
  -- How often Google forgot the start point and the gap was listed again, and the last time.
  resyncs int not null default 0,
  last_resync_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create trigger gmail_mailboxes_updated_at before update on gmail_mailboxes for each row execute function set_updated_at();
alter table gmail_mailboxes enable row level security;
alter table gmail_mailboxes force row level security;
create policy tenant_rows on gmail_mailboxes using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on gmail_mailboxes to crm_app;

-- A Gmail message that became an interaction on a customer's (or a lead's) timeline, or a lead: never made twice.
create table gmail_messages (
  tenant_id uuid not null references tenants (id),
  user_id uuid not null,
  gmail_id text not null,
  thread_id text not null,
  -- Its Message-ID header: the same email in a second mailbox of the business is not made twice.
  rfc_message_id text,
  direction text not null check (direction in ('inbound', 'outbound')),
  interaction_id uuid,
  lead_id uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id, gmail_id),
  check (num_nonnulls(interaction_id, lead_id) >= 1),
  foreign key (tenant_id, user_id) references users (tenant_id, id),
  foreign key (tenant_id, interaction_id) references interactions (tenant_id, id),
  foreign key (tenant_id, lead_id) references leads (tenant_id, id)
);
create index gmail_messages_thread on gmail_messages (tenant_id, thread_id);
create index gmail_messages_rfc on gmail_messages (tenant_id, rfc_message_id) where rfc_message_id is not null;
create index gmail_messages_interaction on gmail_messages (tenant_id, interaction_id) where interaction_id is not null;
create index gmail_messages_lead on gmail_messages (tenant_id, lead_id) where lead_id is not null;
alter table gmail_messages enable row level security;
alter table gmail_messages force row level security;
create policy tenant_rows on gmail_messages using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on gmail_messages to crm_app;
