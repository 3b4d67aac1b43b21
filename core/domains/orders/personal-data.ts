import type { PersonalTable } from '../../personal-data/declare.js'

/** An order, kept like an invoice: its reasons and a deposit reference holding the customer's words go. */
export const ordersPersonalData: PersonalTable = {
  table: 'orders',
  place: 230,
  reach: { contact_id: 'contacts', quote_id: 'quotes' },
  columns: {
    number: 'not personal',
    status: 'not personal',
    currency: 'not personal',
    cancel_reason: { erase: { textIfSet: '[erased]' } },
    deposit_reference: { erase: 'scrub' },
    deposit_checkout_session_id: 'not personal',
    deposit_checkout_url: 'not personal',
  },
  export: { part: 'orders', heading: 'Orders', order: 't.created_at, t.id' },
}
