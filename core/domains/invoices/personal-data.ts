import type { PersonalTable } from '../../personal-data/declare.js'

/** An invoice: its number, amounts and dates stay for the books; notes and a void reason holding the customer's words go. */
export const invoicesPersonalData: PersonalTable = {
  table: 'invoices',
  place: 100,
  reach: { contact_id: 'contacts' },
  columns: {
    number: 'not personal',
    status: 'not personal',
    currency: 'not personal',
    terms: 'not personal',
    amount_set_by: 'not personal',
    notes: { erase: 'scrub' },
    void_reason: { erase: 'scrub' },
    stripe_checkout_session_id: 'not personal',
    stripe_payment_intent_id: 'not personal',
    stripe_checkout_url: 'not personal',
  },
  export: { part: 'invoices', heading: 'Invoices', order: 't.created_at, t.id' },
}

/** An invoice's lines: kept for the books. */
export const invoiceLineItemsPersonalData: PersonalTable = {
  table: 'invoice_line_items',
  place: 110,
  reach: { invoice_id: 'invoices' },
  columns: { description: 'not personal' },
  export: { part: 'invoice_line_items', heading: 'Invoice lines', order: 't.invoice_id, t.position, t.id' },
}

/** A payment: its amount stays for the books; a reference holding the customer's words goes. */
export const paymentsPersonalData: PersonalTable = {
  table: 'payments',
  place: 120,
  reach: { invoice_id: 'invoices' },
  columns: { method: 'not personal', reference: { erase: 'scrub' }, external_event_id: 'not personal' },
  export: { part: 'payments', heading: 'Payments', order: 't.received_at, t.id' },
}

/** The pay link of an invoice sent by email: it goes, so it reads as a link that never existed. */
export const payLinksPersonalData: PersonalTable = {
  table: 'pay_links',
  place: 300,
  reach: { invoice_id: 'invoices' },
  rows: 'deleted',
  columns: { token_hash: 'not personal' },
  // A secret's hash, no data about the person.
  export: null,
}

/** What Stripe told us about a payment: ids and outcomes, kept with the books. */
export const stripeEventsPersonalData: PersonalTable = {
  table: 'stripe_events',
  place: 310,
  reach: { invoice_id: 'invoices' },
  columns: {
    event_id: 'not personal',
    type: 'not personal',
    outcome: 'not personal',
    // Why a signed event could not be applied, in our words, and the currency Stripe named.
    reason: 'not personal',
    currency: 'not personal',
  },
  // The payment provider's bookkeeping; the payments themselves are exported.
  export: null,
}
