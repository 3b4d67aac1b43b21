import type { PersonalTable } from '../../personal-data/declare.js'

/** A call, email or meeting with the customer, a lead that became them or about their opportunity: its words go. */
export const interactionsPersonalData: PersonalTable = {
  table: 'interactions',
  place: 150,
  reach: { contact_id: 'contacts', lead_id: 'leads', opportunity_id: 'opportunities' },
  columns: {
    kind: 'not personal',
    direction: 'not personal',
    subject: { erase: 'null' },
    summary: { erase: { text: '[erased]' } },
    outcome: { erase: 'null' },
    author_type: 'not personal',
  },
  export: { part: 'interactions', heading: 'Calls, emails and meetings', order: 't.occurred_at, t.id' },
}
