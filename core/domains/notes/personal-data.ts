import type { PersonalTable } from '../../personal-data/declare.js'

/** A note on the customer, one of their visits or a lead that became them: its words go, the note stays. */
export const notesPersonalData: PersonalTable = {
  table: 'notes',
  place: 40,
  reach: { contact_id: 'contacts', ticket_id: 'tickets', lead_id: 'leads' },
  columns: { content: { erase: { text: '[erased]' } }, author_type: 'not personal' },
  export: [
    { part: 'notes', heading: 'Notes', order: 't.created_at, t.id', through: ['contact_id', 'lead_id'] },
    { part: 'ticket_notes', heading: 'Notes on visits', order: 't.created_at, t.id', through: ['ticket_id'] },
  ],
}
