import { z } from 'zod'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams, whereAll } from '../../kernel/sql.js'

/** The states of a try at charging a saved card. */
export const CHARGE_STATUSES = ['charging', 'succeeded', 'processing', 'declined', 'needs_customer', 'error'] as const

/** One try at charging an invoice to a saved card. */
export const CARD_CHARGE = z.object({
  id: z.uuid(),
  invoice_id: z.uuid(),
  invoice_number: z.string(),
  amount_due_cents: z.number().int().describe('What the invoice still owes now'),
  contact_id: z.uuid(),
  customer_name: z.string(),
  attempt: z.number().int().describe('1 for the first try, 2 for the first retry, ...'),
  status: z.enum(CHARGE_STATUSES),
  amount_cents: z.number().int(),
  currency: z.string(),
  card: z.string().describe('e.g. visa 4242'),
  code: z.string().nullable().describe("Stripe's error code, e.g. card_declined, authentication_required"),
  decline_code: z.string().nullable().describe("The bank's reason, e.g. insufficient_funds"),
  message: z.string().nullable(),
  retry_on: calendarDay.nullable().describe('When a declined try is tried again; null after the last retry'),
  started_at: timestamp,
  finished_at: timestamp.nullable(),
})

/** Tries at charging invoices to customers' saved cards; `failing` keeps each invoice whose last try failed and that still owes. */
export const cardChargesQuery = defineQuery({
  type: 'card_charges',
  phrases: [
    'which card payments failed',
    'declined autopay charges',
    'who needs to update their card',
    'autopay',
    'card declined',
    'failed payment',
    'charge',
    'saved card',
    'retry',
  ],
  description:
    'Tries at charging invoices to saved cards (autopay): status succeeded, declined (code, decline_code, retry_on), ' +
    'needs_customer (their bank wants them to confirm: they were emailed the pay link), processing, error (Stripe unreachable, ' +
    'sent again). failing true: only each invoice whose latest try failed and that still owes, the failed payments the owner ' +
    'follows up. Filters: contact_id, invoice_id, status, failing.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    contact_id: z.uuid().optional(),
    invoice_id: z.uuid().optional(),
    status: z.enum(CHARGE_STATUSES).optional(),
    failing: z.enum(['true', 'false']).optional().describe('true: each invoice whose latest try failed and that still owes'),
  }),
  record: CARD_CHARGE,
  async run(ctx, req) {
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`a.id = ${params.add(req.id)}`)
    if (req.params.contact_id) where.push(`i.contact_id = ${params.add(req.params.contact_id)}`)
    if (req.params.invoice_id) where.push(`a.invoice_id = ${params.add(req.params.invoice_id)}`)
    if (req.params.status) where.push(`a.status = ${params.add(req.params.status)}`)
    if (req.params.failing === 'true')
      where.push(
        `a.status in ('declined', 'needs_customer') and i.amount_due_cents > 0 and i.status <> 'void'
         and a.attempt = (select max(b.attempt) from autopay_attempts b where b.invoice_id = a.invoice_id)`,
      )
    const r = await ctx.db.query(
      `select a.id, a.invoice_id, i.number as invoice_number, i.amount_due_cents, i.contact_id, c.display_name as customer_name,
              a.attempt, a.status, a.amount_cents, i.currency, s.brand || ' ' || s.last4 as card, a.code, a.decline_code, a.message,
              a.retry_on::text as retry_on, a.started_at, a.finished_at
         from autopay_attempts a join invoices i on i.id = a.invoice_id join contacts c on c.id = i.contact_id
         join saved_cards s on s.id = a.saved_card_id
        ${whereAll(where)} order by a.started_at desc, a.id limit ${req.limit}`,
      params.values,
    )
    return { items: r.rows, next_cursor: null }
  },
})

/** A customer's current saved card. */
export const SAVED_CARD_ROW = z.object({
  id: z.uuid(),
  contact_id: z.uuid(),
  customer_name: z.string(),
  brand: z.string(),
  last4: z.string(),
  exp_month: z.number().int(),
  exp_year: z.number().int(),
  autopay: z.boolean().describe('Whether every invoice of the customer is charged to it on its due date'),
  mandate_text: z.string(),
  saved_at: timestamp,
})

/** Customers' current saved cards: brand, last four and expiry only (Stripe keeps the card). */
export const savedCardsQuery = defineQuery({
  type: 'saved_cards',
  phrases: [
    'does the customer have a card on file',
    'which customers pay by autopay',
    'card on file',
    'saved card',
    'autopay',
    'credit card',
  ],
  description:
    "Customers' current saved cards (saved by the customer on Stripe's page: accepting a plan, or a card request): brand, " +
    'last4, expiry, the mandate they agreed to, and whether every invoice of theirs is charged to it (autopay). Filters: contact_id, autopay.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ contact_id: z.uuid().optional(), autopay: z.enum(['true', 'false']).optional() }),
  record: SAVED_CARD_ROW,
  async run(ctx, req) {
    const params = new SqlParams()
    const where = ['s.replaced_at is null']
    if (req.id) where.push(`s.id = ${params.add(req.id)}`)
    if (req.params.contact_id) where.push(`s.contact_id = ${params.add(req.params.contact_id)}`)
    if (req.params.autopay) where.push(`(c.autopay_at is not null) = ${params.add(req.params.autopay === 'true')}`)
    const r = await ctx.db.query(
      `select s.id, s.contact_id, c.display_name as customer_name, s.brand, s.last4, s.exp_month, s.exp_year,
              c.autopay_at is not null as autopay, s.mandate_text, s.saved_at
         from saved_cards s join contacts c on c.id = s.contact_id ${whereAll(where)}
        order by s.saved_at desc, s.id limit ${req.limit}`,
      params.values,
    )
    return { items: r.rows, next_cursor: null }
  },
})

/** An open invoice of a customer on autopay whose amount an agent set alone: autopay does not charge it until the owner allows it. */
export const CHARGE_TO_ALLOW = z.object({
  invoice_id: z.uuid(),
  invoice_number: z.string(),
  contact_id: z.uuid(),
  customer_name: z.string(),
  amount_due_cents: z.number().int(),
  currency: z.string(),
  due_on: calendarDay,
  card: z.string().describe('e.g. visa 4242'),
})

/** Invoices autopay would charge but for an agent having set what they ask: each waits for the owner (card.allow_charge). */
export const chargesToAllowQuery = defineQuery({
  type: 'charges_to_allow',
  phrases: [
    'which autopay charges wait for the owner',
    'invoices the agent wrote for autopay customers',
    'autopay',
    'allow charge',
    'agent invoice',
    'saved card',
  ],
  description:
    'Open invoices of customers on autopay (with a saved card) whose amount an agent set without the owner: autopay does not ' +
    "charge them, and their customers are not told they will be, until the owner allows each (card.allow_charge: the owner's " +
    'to decide every time). Filters: contact_id.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ contact_id: z.uuid().optional() }),
  record: CHARGE_TO_ALLOW,
  async run(ctx, req) {
    const params = new SqlParams()
    const where = [
      "i.amount_set_by = 'agent'",
      "i.status in ('sent', 'partially_paid', 'overdue')",
      'i.amount_due_cents > 0',
      'i.archived_at is null',
      '(i.autopay or c.autopay_at is not null)',
    ]
    if (req.id) where.push(`i.id = ${params.add(req.id)}`)
    if (req.params.contact_id) where.push(`i.contact_id = ${params.add(req.params.contact_id)}`)
    const r = await ctx.db.query(
      `select i.id as invoice_id, i.number as invoice_number, i.contact_id, c.display_name as customer_name, i.amount_due_cents,
              i.currency, i.due_on::text as due_on, s.brand || ' ' || s.last4 as card
         from invoices i join contacts c on c.id = i.contact_id
         join saved_cards s on s.contact_id = i.contact_id and s.replaced_at is null
        ${whereAll(where)} order by i.due_on, i.id limit ${req.limit}`,
      params.values,
    )
    return { items: r.rows, next_cursor: null }
  },
})
