-- One email to every member of a segment: the send remembers what was asked and what came of it, and each member's message
-- points back at it. The same send asked again (an approval repeated, a retry) finds the first by its key and schedules
-- nothing more; a member can have only one message of a send.
create table segment_sends (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  segment_id uuid not null,
  send_key text not null,
  kind text not null,
  template_id uuid,
  subject text,
  body text,
  send_at timestamptz not null,
  member_count int not null check (member_count >= 0),
  scheduled_count int not null check (scheduled_count >= 0),
  skipped_no_email int not null check (skipped_no_email >= 0),
  skipped_opted_out int not null check (skipped_opted_out >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, segment_id, send_key),
  foreign key (tenant_id, segment_id) references segments (tenant_id, id),
  foreign key (tenant_id, template_id) references message_templates (tenant_id, id)
);
create trigger segment_sends_updated_at before update on segment_sends for each row execute function set_updated_at();
create trigger segment_sends_redact_body before insert or update of body on segment_sends
  for each row execute function redact_sensitive_column('body', 'segment_send');
alter table segment_sends enable row level security;
alter table segment_sends force row level security;
create policy tenant_rows on segment_sends using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on segment_sends to crm_app;

alter table scheduled_messages add column segment_send_id uuid,
  add foreign key (tenant_id, segment_send_id) references segment_sends (tenant_id, id);
create unique index scheduled_messages_segment_send on scheduled_messages (tenant_id, segment_send_id, contact_id) where segment_send_id is not null;
