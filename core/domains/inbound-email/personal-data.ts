import type { PersonalTable } from '../../personal-data/declare.js'

/**
 * Which email sent to the business's inbound address made which interaction or lead: the provider's ids, the Message-ID
 * header and the outcome, bookkeeping that stays so a replayed delivery or an erased customer's old email is not taken
 * again. The words are in the interaction or the lead.
 */
export const inboundEmailsPersonalData: PersonalTable = {
  table: 'inbound_emails',
  place: 380,
  reach: { interaction_id: 'interactions', lead_id: 'leads' },
  columns: {
    provider_event_id: 'not personal',
    provider_email_id: 'not personal',
    rfc_message_id: 'not personal',
    outcome: 'not personal',
  },
  export: null,
}
