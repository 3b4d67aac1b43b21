-- A quote goes to the customer as an email of its own kind, through the same queue and worker as every other email,
-- and the customer answers it through the same one-click links as an appointment email: a link for one answer, its
-- secret kept only as a hash, usable once.

alter table scheduled_messages
  add column quote_id uuid,
  add foreign key (tenant_id, quote_id) references quotes (tenant_id, id);
create index scheduled_messages_quote on scheduled_messages (tenant_id, quote_id) where quote_id is not null;
alter table scheduled_messages drop constraint scheduled_messages_kind_check;
alter table scheduled_messages add constraint scheduled_messages_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote'));
alter table scheduled_messages add constraint scheduled_messages_quote_named check (kind <> 'quote' or quote_id is not null);

alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote'));

-- A link answers either an appointment (confirm, decline, change) or a quote (accept, decline); never both.
alter table response_links
  alter column ticket_id drop not null,
  alter column appointment_start drop not null,
  add column quote_id uuid,
  add foreign key (tenant_id, quote_id) references quotes (tenant_id, id);
alter table response_links drop constraint response_links_purpose_check;
alter table response_links add constraint response_links_purpose_check check (purpose in ('confirm', 'decline', 'change', 'accept'));
alter table response_links add constraint response_links_one_subject check (
  (ticket_id is not null and quote_id is null and appointment_start is not null and purpose <> 'accept')
  or (quote_id is not null and ticket_id is null and purpose in ('accept', 'decline')));
create index response_links_quote on response_links (tenant_id, quote_id) where quote_id is not null;
