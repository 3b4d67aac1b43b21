import type { PersonalTable } from '../../personal-data/declare.js'

/** A quote, kept like an invoice: number, prices and totals stay; what was typed about the customer goes. */
export const quotesPersonalData: PersonalTable = {
  table: 'quotes',
  place: 200,
  reach: { contact_id: 'contacts' },
  columns: {
    number: 'not personal',
    status: 'not personal',
    currency: 'not personal',
    notes: { erase: 'null' },
    customer_note: { erase: 'null' },
    cancel_reason: { erase: { textIfSet: '[erased]' } },
  },
  export: { part: 'quotes', heading: 'Quotes', order: 't.created_at, t.id' },
}

/** A quote's lines: the quote as sent, so only a line whose text holds the customer's values is rewritten. */
export const quoteLineItemsPersonalData: PersonalTable = {
  table: 'quote_line_items',
  place: 210,
  reach: { quote_id: 'quotes' },
  columns: { description: { erase: 'scrub', sought: false } },
  onlyRowsThatChange: true,
  export: { part: 'quote_line_items', heading: 'Quote lines', order: 't.quote_id, t.position, t.id' },
}
