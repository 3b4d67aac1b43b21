-- Kinds of email are declared by their domains (core/domains/messages/message-kind.ts) and the application accepts only
-- those: the tables no longer list them, so a new kind of email needs no migration. A kind is still a plain name.
alter table scheduled_messages drop constraint scheduled_messages_kind_check;
alter table scheduled_messages add constraint scheduled_messages_kind_check check (kind ~ '^[a-z][a-z_]{0,39}$');
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check check (kind ~ '^[a-z][a-z_]{0,39}$');
