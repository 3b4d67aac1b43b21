import type { PersonalTable } from '../../personal-data/declare.js'

/** A saved card: Stripe keeps the card; our row (its brand, last four, expiry and Stripe's ids) goes with the customer. */
export const savedCardsPersonalData: PersonalTable = {
  table: 'saved_cards',
  place: 451,
  reach: { contact_id: 'contacts' },
  rows: 'deleted',
  columns: {
    stripe_customer_id: 'personal',
    payment_method_id: 'personal',
    brand: 'personal',
    last4: 'personal',
    mandate_text: 'not personal',
    setup_session_id: 'not personal',
  },
  export: { part: 'saved_cards', heading: 'Saved cards', order: 't.saved_at, t.id' },
}

/** A link to save a card: only its secret's hash and the Checkout Session it opened, bookkeeping that goes with the customer. */
export const cardLinksPersonalData: PersonalTable = {
  table: 'card_links',
  place: 452,
  reach: { contact_id: 'contacts' },
  rows: 'deleted',
  columns: { purpose: 'not personal', token_hash: 'not personal', checkout_session_id: 'not personal' },
  export: null,
}

/** Each try at charging an invoice to a saved card: kept with the books like the payments it made. */
export const autopayAttemptsPersonalData: PersonalTable = {
  table: 'autopay_attempts',
  place: 453,
  reach: { invoice_id: 'invoices' },
  columns: {
    idempotency_key: 'not personal',
    status: 'not personal',
    payment_intent_id: 'not personal',
    code: 'not personal',
    decline_code: 'not personal',
    message: 'not personal',
  },
  export: { part: 'card_charges', heading: 'Card charges', order: 't.started_at, t.id' },
}

/** Each notice that a card will be charged: the invoice, card, amount and day, bookkeeping that goes with the card. */
export const autopayNoticesPersonalData: PersonalTable = {
  table: 'autopay_notices',
  place: 455,
  reach: { invoice_id: 'invoices' },
  columns: {},
  export: null,
}
