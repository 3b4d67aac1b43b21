import type { Database } from '../../core/db/types.js'
import { businessRecords, type OwnerRun } from '../helpers/business-records.js'

/** The records the calls below name: a business's worth, and a visit of today that can close and one that closed. */
export interface WordsWorld {
  ids: Record<string, string>
  n: number
  /** A visit today, not closed, with one line. */
  today: { id: string; line: string }
  /** A closed visit, not invoiced. */
  closed: string
  /** An invoice sent to the customer with money still due, in a business whose invoices say how to pay. */
  owed: string
  /** A service priced per unit, whose unit customers read. */
  perUnit: string
  /** A segment with one customer in it. */
  segment: string
  /** A Wednesday two months ahead (YYYY-MM-DD), free for offered times. */
  wednesday: string
  /** A day with the world's visit (YYYY-MM-DD, the business's calendar). */
  visitDay: string
}

/** Makes the records the calls name, each through its own action as the owner. */
export async function wordsWorld(run: OwnerRun, db: Database, tenantId: string, n: number): Promise<WordsWorld> {
  const ids = await businessRecords(run, db, tenantId, n)
  await run('settings.update', { payment_instructions: 'Checks payable to the business' })
  // The customer agreed to texts (on a phone call), so a text to them can be sent where texts are on.
  await run('text.record_consent', { contact_id: ids.contact, kind: 'service', how: 'phone_call' })
  const owed = await run('invoice.create', {
    contact_id: ids.contact,
    line_items: [{ description: `Gutters ${n}`, unit_price_cents: 9_000 }],
  })
  await run('invoice.mark_sent', { invoice_id: owed.id })
  const hour = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()
  const visit = (start: string) =>
    run('ticket.create', {
      contact_id: ids.contact,
      scheduled_start: start,
      duration_minutes: 30,
      line_items: [{ description: `Windows ${n}`, unit_price_cents: 10_000 }],
    })
  const today = await visit(hour(-1 - (n % 5) * 0.5))
  const done = await visit(hour(-30 - (n % 5)))
  await run('ticket.close', {
    ticket_id: done.id,
    duration_minutes: 30,
    line_items: [{ line_item_id: done.line_items[0].id }],
    notes: '',
    next_service: { kind: 'none' },
  })
  const perUnit = await run('service.create', { name: `Panes ${n}`, pricing: 'per_unit', price_cents: 500, unit_name: 'pane' })
  await run('segment.add_members', { segment_id: ids.segment, contact_ids: [ids.contact] })
  const wednesday = new Date(Date.now() + (60 + (n % 20) * 7) * 86_400_000)
  while (wednesday.getUTCDay() !== 3) wednesday.setUTCDate(wednesday.getUTCDate() + 1)
  const ticket = await run('ticket.create', {
    contact_id: ids.contact,
    scheduled_start: `${new Date(Date.now() + (30 + n) * 86_400_000).toISOString().slice(0, 10)}T16:00:00Z`,
    duration_minutes: 30,
    technician_ids: [ids.user],
  })
  return {
    ids,
    n,
    today: { id: today.id, line: today.line_items[0].id },
    closed: done.id,
    owed: owed.id,
    perUnit: perUnit.id,
    segment: ids.segment,
    wednesday: wednesday.toISOString().slice(0, 10),
    visitDay: new Date(ticket.scheduled_start).toISOString().slice(0, 10),
  }
}

const address = { line1: '12 Oak St', line2: 'Unit 4', city: 'Huntsville', state: 'AL', postal_code: '35801' }
const line = { description: 'Screens', unit_price_cents: 500 }

/**
 * A call of each action whose words customers read, naming the world's records, that the action takes as it is, with
 * every field it declares customers read given. Tests put their own words in one field at a time; an action that comes
 * to declare such fields needs a call here (the test names it).
 */
export const WORDS_CALLS: Record<string, (w: WordsWorld) => Record<string, unknown>> = {
  'address.add': (w) => ({ contact_id: w.ids.contact, ...address }),
  'address.update': (w) => ({ address_id: w.ids.address, ...address }),
  'contact.create': (w) => ({
    kind: 'organization',
    display_name: `Oak Street Dental ${w.n}`,
    first_name: 'Ann',
    last_name: 'Oak',
    legal_name: `Oak Street Dental ${w.n} LLC`,
    addresses: [address],
  }),
  'contact.update': (w) => ({ contact_id: w.ids.contact, display_name: `Ann Oak ${w.n}`, first_name: 'Ann', last_name: 'Oak' }),
  'contact.update legal_name': (w) => ({ contact_id: w.ids.contact, kind: 'organization', legal_name: `Oak ${w.n} LLC` }),
  'invoice.create': (w) => ({ contact_id: w.ids.contact, line_items: [line], notes: 'Thank you' }),
  'invoice.create_from_ticket': (w) => ({ ticket_id: w.closed, notes: 'Thank you' }),
  'invoice.update': (w) => ({ invoice_id: w.ids.invoice, line_items: [line], notes: 'Thank you' }),
  'invoice.remind': (w) => ({ invoice_id: w.owed, note: 'Thank you' }),
  'quote.create': (w) => ({ contact_id: w.ids.contact, line_items: [line], notes: 'Valid for a month' }),
  'quote.update': (w) => ({ quote_id: w.ids.quote, line_items: [line], notes: 'Valid for a month' }),
  'message.schedule': (w) => ({ contact_id: w.ids.contact, kind: 'custom', subject: 'Hello', body: 'See you soon' }),
  'text.send': (w) => ({ contact_id: w.ids.contact, body: 'See you soon' }),
  'message.update': (w) => ({ message_id: w.ids.message, subject: 'Hello', body: 'See you soon' }),
  'reach_out_rule.create': (w) => ({
    name: `Words rule ${w.n}`,
    trigger: 'no_visit',
    months: 6,
    subject: 'Hello',
    body: 'Time for a clean',
  }),
  'reach_out_rule.update': (w) => ({ reach_out_rule_id: w.ids.reach_out_rule, subject: 'Hello', body: 'Time for a clean' }),
  'recurring_invoice.create': (w) => ({
    contact_id: w.ids.contact,
    cycle: 'monthly',
    starts_on: nextDay(w.wednesday),
    line_items: [line],
    notes: 'Thank you',
  }),
  'recurring_invoice.update': (w) => ({ recurring_invoice_id: w.ids.recurring_invoice, line_items: [line], notes: 'Thank you' }),
  'recurring_invoice.update notes': (w) => ({ recurring_invoice_id: w.ids.recurring_invoice, notes: 'Thank you' }),
  'card.request': (w) => ({ contact_id: w.ids.contact, note: 'Please save a card' }),
  'customer_plan.cancel': (w) => ({ customer_plan_id: w.ids.customer_plan, note: 'Moving away' }),
  'plan.create': (w) => ({
    name: `Words plan ${w.n}`,
    description: 'Every month, inside and out',
    includes: [{ service_id: w.ids.service, visits: 1 }],
    price_cents: 4500,
    cycle: 'monthly',
    term_cycles: 12,
  }),
  'plan.update': (w) => ({ plan_id: w.ids.plan, name: `Words plan ${w.n} B`, description: 'Every month, inside and out' }),
  'segment.send_message': (w) => ({ segment_id: w.segment, subject: 'Spring', body: 'Spring is here' }),
  'template.create': (w) => ({ kind: 'custom', name: `Words ${w.n}`, subject: 'Hello', body: 'Hi {{customer_first_name}}' }),
  'template.update': (w) => ({ template_id: w.ids.template, subject: 'Hello', body: 'Hi {{customer_first_name}}' }),
  'ticket.move_day': (w) => ({ technician_id: w.ids.user, date: w.visitDay, to_date: nextDay(w.visitDay), message: 'Sorry' }),
  'ticket.create': (w) => ({ contact_id: w.ids.contact, scheduled_start: `${w.wednesday}T20:00:00Z`, line_items: [line] }),
  'ticket.add_line_item': (w) => ({ ticket_id: w.ids.ticket, ...line }),
  'ticket.update_line_item': (w) => ({ line_item_id: w.today.line, description: 'Screens' }),
  'ticket.close': (w) => ({
    ticket_id: w.today.id,
    duration_minutes: 30,
    line_items: [{ line_item_id: w.today.line, description: 'Windows' }],
    notes: '',
    next_service: { kind: 'none' },
  }),
  'service.create': (w) => ({
    name: `Skylights ${w.n}`,
    description: 'Inside and out',
    pricing: 'per_unit',
    price_cents: 900,
    unit_name: 'skylight',
  }),
  'service.update': (w) => ({ service_id: w.perUnit, name: `Panes ${w.n}`, description: 'Both sides', unit_name: 'pane' }),
  'lead.create': () => ({ raw_notes: 'Wants a quote', name: 'Lee Lead' }),
  'lead.update': (w) => ({ lead_id: w.ids.lead, name: 'Lee Lead' }),
  'lead.convert': (w) => ({ lead_id: w.ids.lead, display_name: 'Lee Lead', address }),
  'series.create': (w) => ({
    contact_id: w.ids.contact,
    rule: 'FREQ=MONTHLY',
    start_date: nextDay(w.wednesday),
    start_time: '09:00',
    line_items: [line],
  }),
  'series.update': (w) => ({ series_id: w.ids.series, scope: 'all', line_items: [line] }),
  'slot_offer.send': (w) => ({
    contact_id: w.ids.contact,
    service_ids: [w.ids.service],
    slots: ['10:00', '13:00'].map((time) => ({ start: `${w.wednesday}T${time}`, technician_id: w.ids.user })),
    note: 'Pick what suits you',
  }),
}

/** The base call for one field of an action: a call of its own when the action's usual one cannot give the field. */
export function wordsCallFor(key: string, field: string): ((w: WordsWorld) => Record<string, unknown>) | undefined {
  return WORDS_CALLS[`${key} ${field}`] ?? WORDS_CALLS[key]
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/**
 * Calls of the actions a synthesized call cannot make (one subject of several, a record in a given state), for the test
 * that traces what reaches customers: every text such an action takes is marked there too.
 */
export const PROBE_CALLS: Record<string, (w: WordsWorld) => Record<string, unknown>> = {
  ...WORDS_CALLS,
  'note.add': (w) => ({ ticket_id: w.ids.ticket, content: 'Dog in the yard' }),
  'interaction.log': (w) => ({
    contact_id: w.ids.contact,
    kind: 'call',
    direction: 'inbound',
    summary: 'Asked about gutters',
    subject: 'Gutters',
    outcome: 'Call back',
  }),
  'series.skip': (w) => ({ series_id: w.ids.series, ticket_id: w.ids.visit, reason: 'Away that week' }),
  'opportunity.move': (w) => ({ opportunity_id: w.ids.opportunity, stage: 'won', reason: 'They signed the quote' }),
  'ticket.no_show': (w) => ({ ticket_id: w.today.id, note: 'Nobody home' }),
  'document.upload': (w) => ({
    quote_id: w.ids.quote,
    name: 'Porch photo',
    category: 'photo',
    tags: ['porch'],
    content_base64: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  }),
}

/** Agent-callable actions the trace does not run, and why no words of theirs can reach a customer. */
export const NOT_TRACED: Record<string, string> = {
  'contact.delete': 'removes a customer and takes no words',
  'contact.unlink': 'removes a link between two customers and takes no words',
  'invoice.send': 'emails an invoice as it is and takes no words',
  'message.stop_follow_ups': "cancels an invoice's or a quote's reminders and takes no words",
  'segment.refresh': 'recomputes who is in a segment and takes no words',
  'service.delete': 'removes a service and takes no words',
  'ticket.clock_in': 'records when a technician arrived; takes no words',
  'ticket.clock_out': 'records when a technician left; takes no words',
  'settings.set_logo': 'a picture, which no check can read: it waits for the owner every time (access.ownerSees)',
  'document.new_version': "a document's bytes; documents are never shown to customers",
  'card.set_autopay': 'turns autopay on or off and takes no words; it waits for the owner every time',
  'plan.archive': 'stops selling a plan and takes no words',
  'customer_plan.propose': "sells a plan of the catalog on the catalog's words; it takes none of its own",
  'customer_plan.send': 'emails a plan offer as it is and takes no words',
  'customer_plan.change_price': 'changes a price, which waits for the owner every time; it takes no words',
  'customer_plan.pause': 'pauses a plan and takes no words',
  'customer_plan.resume': 'resumes a plan and takes no words',
  'card.allow_charge': 'lets autopay charge an invoice an agent wrote; it takes no words and waits for the owner every time',
}

/** Whether an action belongs to a family the trace does not run (a connected Google account or QuickBooks company, CSV files). */
export function notTracedFamily(key: string): string | null {
  if (key.startsWith('google.')) return "works on the owner's Google account; nothing it takes reaches customers"
  if (key.startsWith('quickbooks.')) return 'works on the QuickBooks company; nothing it takes reaches customers'
  if (key.startsWith('import.'))
    return "CSV rows become customers, services and visits exactly as contact.create and ticket.create make them; an agent's import whose names, addresses or lines hold words that wait for the owner waits (imports/held-rows.ts)"
  return null
}
