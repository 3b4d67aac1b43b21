-- Follow-ups that chase for the owner, as three more kinds of scheduled message: a reminder of an unpaid invoice on the
-- owner's schedule around its due date, a follow-up of a quote before it lapses, and a review request after a completed
-- visit. The worker queues each one when its time comes; a step is queued at most once, whatever became of it.

alter table scheduled_messages drop constraint scheduled_messages_kind_check;
alter table scheduled_messages add constraint scheduled_messages_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote',
                  'invoice_reminder', 'quote_follow_up', 'review_request'));
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote',
                  'invoice_reminder', 'quote_follow_up', 'review_request'));

-- Which step of its rule a follow-up is (e.g. due-3, due+0, due+7 of an invoice): the same step of the same record is
-- queued once, so a cancelled one is not queued again.
alter table scheduled_messages add column follow_up_step text;
alter table scheduled_messages add constraint scheduled_messages_follow_up_named check (
  (kind not in ('invoice_reminder', 'quote_follow_up', 'review_request') or follow_up_step is not null)
  and (kind <> 'invoice_reminder' or invoice_id is not null)
  and (kind <> 'quote_follow_up' or quote_id is not null)
  and (kind <> 'review_request' or ticket_id is not null));
create unique index scheduled_messages_follow_up_step on scheduled_messages
  (tenant_id, kind, coalesce(invoice_id, quote_id, ticket_id), follow_up_step) where follow_up_step is not null;

-- The owner's schedule: invoice reminders as days from the due date (negative before, 0 on the day, positive after;
-- none: off), a quote follow-up so many days before it lapses (null: off), and review requests (no link: off) so many
-- days after a completed visit, at most once per customer every so many months.
alter table tenants
  add column invoice_reminder_days int[] not null default '{}'
    check (cardinality(invoice_reminder_days) <= 6 and -60 <= all (invoice_reminder_days) and 120 >= all (invoice_reminder_days)),
  add column quote_follow_up_days int check (quote_follow_up_days between 1 and 60),
  add column review_link text check (review_link ~ '^https?://'),
  add column review_after_days int not null default 1 check (review_after_days between 1 and 30),
  add column review_every_months int not null default 12 check (review_every_months between 1 and 120);

-- The owner or the agent may stop the follow-ups of one invoice or quote: nothing more is queued for it, and delivery
-- cancels what was.
alter table invoices add column follow_ups_stopped_at timestamptz;
alter table quotes add column follow_ups_stopped_at timestamptz;

-- A customer who declined review requests or complained is never asked for a review; the reason and when are kept.
alter table contacts
  add column review_opt_out text check (review_opt_out in ('declined', 'complained')),
  add column review_opt_out_note text,
  add column review_opt_out_at timestamptz,
  add constraint contacts_review_opt_out_when check ((review_opt_out is null) = (review_opt_out_at is null));

-- The businesses that chase anything: the worker reads no business's rows before it knows which to open.
do $$ begin
  execute format('create policy follow_up_scan on tenants for select to %I using (app_lookup(''follow_up_scan'') = ''on'')', current_user);
end $$;
create function tenants_with_follow_ups() returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_follow_up_scan', 'on', true);
  return query
    select t.id from tenants t
    where cardinality(t.invoice_reminder_days) > 0 or t.quote_follow_up_days is not null or t.review_link is not null;
  perform set_config('app.lookup_follow_up_scan', '', true);
end $$;
revoke all on function tenants_with_follow_ups() from public;
grant execute on function tenants_with_follow_ups() to crm_worker;
