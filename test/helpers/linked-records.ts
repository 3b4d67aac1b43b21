import type { TestApp } from './app.js'
import { made } from './fixtures.js'

/** What a customer's links open: Jane, a quote sent to her, a visit next week with its confirmation, an invoice sent. */
export interface LinkedRecords {
  jane: string
  quote: any
  sent: any
  ticket: any
  invoice: any
  confirmation: any
}

/** Makes, as the owner, the records every kind of customer link points at (the guessing tests' business). */
export async function seedLinkedRecords(app: TestApp): Promise<LinkedRecords> {
  const jane = (await made(app, 'contact', 'create', { display_name: 'Jane Real', email: 'jane@example.com' })).id
  const quote = await made(app, 'quote', 'create', {
    contact_id: jane,
    line_items: [{ description: 'Skylight', unit_price_cents: 4_000 }],
  })
  const sent = await made(app, 'quote', 'send', { quote_id: quote.id }, 'she asked for a price')
  const ticket = await made(app, 'ticket', 'create', {
    contact_id: jane,
    scheduled_start: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    duration_minutes: 60,
    line_items: [{ description: 'Windows', unit_price_cents: 12_000 }],
  })
  const invoice = await made(app, 'invoice', 'create', {
    contact_id: jane,
    line_items: [{ description: 'Gutters', unit_price_cents: 9_000 }],
  })
  await made(app, 'invoice', 'mark_sent', { invoice_id: invoice.id })
  const confirmation = (await app.query({ type: 'scheduled_messages', ticket_id: ticket.id, kind: 'confirmation' })).body.data.items[0]
  return { jane, quote, sent, ticket, invoice, confirmation }
}
