import type { PersonalTable } from '../../personal-data/declare.js'
import { ERASURE_TIME } from '../../personal-data/declare.js'

/** A visit: its notes and custom field values go (closed visits too); the visits still to come are cancelled. */
export const ticketsPersonalData: PersonalTable = {
  table: 'tickets',
  place: 70,
  reach: { contact_id: 'contacts' },
  columns: {
    status: 'not personal',
    confirmation_status: 'not personal',
    confirmation_note: { erase: 'null' },
    notes: { erase: 'null' },
    cancel_reason: { erase: { textIfSet: '[erased]' } },
    custom_fields: { erase: 'empty' },
    paid_elsewhere: 'not personal',
  },
  // Nobody is expected at an erased customer's door.
  stateChanges: [
    {
      when: { status: ['scheduled', 'confirmed'], closed_at: null, scheduled_start: 'after erasure' },
      set: { status: 'cancelled', cancelled_at: ERASURE_TIME },
    },
  ],
  export: { part: 'tickets', heading: 'Visits', order: 't.scheduled_start, t.id' },
}

/** The work on a visit: services and prices, kept like an invoice's lines. */
export const ticketLineItemsPersonalData: PersonalTable = {
  table: 'ticket_line_items',
  place: 80,
  reach: { ticket_id: 'tickets' },
  columns: { description: 'not personal' },
  export: { part: 'ticket_line_items', heading: 'Work on visits', order: 't.ticket_id, t.position, t.id' },
}
