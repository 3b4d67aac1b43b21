import type { PersonalTable } from '../../personal-data/declare.js'

/**
 * Which Gmail message made which interaction or lead: Gmail's ids and the Message-ID header, bookkeeping that stays so
 * an erased customer's old emails are not brought in again. The words are in the interaction or the lead.
 */
export const gmailMessagesPersonalData: PersonalTable = {
  table: 'gmail_messages',
  place: 370,
  reach: { interaction_id: 'interactions', lead_id: 'leads' },
  columns: {
    gmail_id: 'not personal',
    thread_id: 'not personal',
    rfc_message_id: 'not personal',
    direction: 'not personal',
  },
  export: null,
}
