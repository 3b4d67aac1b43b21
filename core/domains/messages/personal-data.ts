import type { PersonalTable } from '../../personal-data/declare.js'

/** An email to the customer: its text goes, a pending one is stopped. */
export const scheduledMessagesPersonalData: PersonalTable = {
  table: 'scheduled_messages',
  place: 130,
  reach: { contact_id: 'contacts' },
  columns: {
    kind: 'not personal',
    channel: 'not personal',
    subject: { erase: { textIfSet: '[erased]' } },
    body: { erase: { textIfSet: '[erased]' } },
    status: 'not personal',
    last_error: { erase: 'null', sought: false },
    provider_message_id: 'not personal',
    follow_up_step: 'not personal',
    outgoing: { erase: 'null', sought: false },
  },
  stateChanges: [{ when: { status: ['pending'] }, set: { status: 'cancelled' } }],
  export: { part: 'messages', heading: 'Emails', order: 't.send_at, t.id' },
}

/** What the mail provider said about an email: any of the customer's values in its details goes. */
export const emailEventsPersonalData: PersonalTable = {
  table: 'email_events',
  place: 140,
  reach: { contact_id: 'contacts', scheduled_message_id: 'scheduled_messages' },
  columns: { provider_event_id: 'not personal', type: 'not personal', detail: { erase: 'scrub', sought: false } },
  export: { part: 'email_events', heading: 'Email delivery events', order: 't.created_at, t.id' },
}

/** An email kept while no provider was configured, to any of the customer's addresses: its recipient and text go. */
export const emailOutboxPersonalData: PersonalTable = {
  table: 'email_outbox',
  place: 280,
  reach: { to_address: { holds: 'contacts.emails' } },
  columns: {
    to_address: { erase: { text: 'erased@erased.invalid' }, sought: false },
    from_address: 'not personal',
    reply_to: 'not personal',
    subject: { erase: { text: '[erased]' }, sought: false },
    text_body: { erase: { text: '[erased]' }, sought: false },
    html_body: { erase: 'null', sought: false },
    idempotency_key: 'not personal',
  },
  // The outbox is the business's copy of what it sent; the emails themselves are exported.
  export: null,
}

/** The answer links of the customer's appointment and quote emails: they go, so each reads as a link that never existed. */
export const responseLinksPersonalData: PersonalTable = {
  table: 'response_links',
  place: 290,
  reach: { message_id: 'scheduled_messages', ticket_id: 'tickets', quote_id: 'quotes' },
  rows: 'deleted',
  columns: { purpose: 'not personal', token_hash: 'not personal' },
  // A secret's hash, no data about the person.
  export: null,
}
