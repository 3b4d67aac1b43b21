import type { PersonalTable } from '../../personal-data/declare.js'

/** A refund: its amount stays for the books; a reason in the customer's words goes. */
export const refundsPersonalData: PersonalTable = {
  table: 'refunds',
  place: 454,
  reach: { invoice_id: 'invoices' },
  columns: { reason: { erase: 'scrub' }, stripe_refund_id: 'not personal' },
  export: { part: 'refunds', heading: 'Refunds', order: 't.created_at, t.id' },
}
