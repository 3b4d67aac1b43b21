import type { PersonalTable } from '../../personal-data/declare.js'

/** A recurring invoice stays beside the invoices it issued, for the books; its notes holding the customer's words go, and it ends. */
export const recurringInvoicesPersonalData: PersonalTable = {
  table: 'recurring_invoices',
  place: 460,
  reach: { contact_id: 'contacts' },
  columns: {
    // What the business charges, in its words, as on the invoices kept for the books.
    line_items: 'not personal',
    currency: 'not personal',
    cycle: 'not personal',
    notes: { erase: 'scrub' },
    status: 'not personal',
  },
  stateChanges: [{ when: { status: ['active', 'paused'] }, set: { status: 'ended' } }],
  export: { part: 'recurring_invoices', heading: 'Recurring invoices', order: 't.created_at, t.id' },
}
