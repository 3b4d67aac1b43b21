-- A visit the business moves (a technician's sick day) tells its customer so: a "moved" email saying from when to when,
-- with the same answer links as a confirmation. The start the visit had before is kept on the message, since the
-- ticket itself now holds only the new one.

alter table scheduled_messages drop constraint scheduled_messages_kind_check;
alter table scheduled_messages add constraint scheduled_messages_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote',
                  'invoice_reminder', 'quote_follow_up', 'review_request', 'moved'));
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote',
                  'invoice_reminder', 'quote_follow_up', 'review_request', 'moved'));

alter table scheduled_messages add column moved_from timestamptz;
alter table scheduled_messages add constraint scheduled_messages_moved_from check (
  (kind = 'moved') = (moved_from is not null) and (kind <> 'moved' or ticket_id is not null));
