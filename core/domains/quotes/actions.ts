import { paymentsOf } from '../../clients/payments.js'
import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { notFound, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { isoDate } from '../../kernel/schema-types.js'
import { setClause } from '../../kernel/sql.js'
import { addDays, localDate } from '../../vocabulary/time.js'
import { resolveLines } from '../invoices/model.js'
import { loadTenantSettings } from '../settings/model.js'
import { endQuoteChasing } from './messages.js'
import { loadQuote, nextQuoteNumber, QUOTE_RECORD, quoteAuditView, quoteConflict, writeQuoteLines } from './model.js'
import { BY_AGENT_OR_API, customer, page } from '../../vocabulary/places.js'

/** How long a quote stands when nothing says otherwise. */
export const DEFAULT_VALID_DAYS = 30

const lineItem = z.strictObject({
  service_id: z.uuid().optional().describe('A catalog service; description and unit price default to its name and price'),
  description: z.string().trim().min(1).max(500).optional().describe("Replaces the service's name; required without service_id"),
  quantity: z.number().int().min(1).max(10_000).default(1),
  unit_price_cents: z
    .number()
    .int()
    .min(0)
    .max(100_000_000)
    .optional()
    .describe("Price of one unit in cents; default: the service's price"),
  taxable: z.boolean().optional().describe("Default: the service's taxable flag, else true"),
  tax_rate_bp: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .optional()
    .describe("This line's tax rate in basis points; default: the quote's rate when taxable, else 0"),
})
const lineItems = z.array(lineItem).min(1).max(100)
const quoteRate = z
  .number()
  .int()
  .min(0)
  .max(10_000)
  .describe("The quote's tax rate in basis points (825 = 8.25 %) for taxable lines without their own; default: the business's rate")

const depositCents = z
  .number()
  .int()
  .min(1)
  .max(100_000_000)
  .describe('A deposit the customer pays online on accepting, in cents (payments must be on)')
const depositPercent = z
  .number()
  .int()
  .min(1)
  .max(100)
  .describe('A deposit as a percent of the total, instead of deposit_cents (payments must be on)')

const TAX_RULE =
  'Totals are computed as for invoices: per line price = quantity * unit_price_cents, line tax = price * rate / 10000 rounded ' +
  'half up; subtotal, tax and total in integer cents. '

/** Offers a customer a price for work from the catalog. */
export const createQuote = defineAction({
  key: 'quote.create',
  example: { contact_id: 'Jane Smith', line_items: [{ service_id: 'Exterior Window Cleaning', quantity: 1 }] },
  phrases: ['make an estimate', 'write up a quote for a job', 'price out the work', 'estimate', 'quote', 'proposal', 'price offer', 'bid'],
  title: 'Make a quote',
  place: customer('New quote'),
  description:
    'Create a draft quote for a contact with line items from the service catalog (a line may override description, quantity and ' +
    'unit_price_cents), an optional quote-wide tax_rate_bp, valid_until (YYYY-MM-DD, default 30 days from today) and notes. ' +
    'Numbered Q-YYYY-NNNN. ' +
    TAX_RULE +
    'With online payments on, deposit_cents or deposit_percent asks a deposit the customer pays ' +
    'on accepting (credited on the final invoice); with payments off a deposit is refused. Send it with quote.send.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['notes'], screened: ['line_items.description'] } },
  input: z.strictObject({
    contact_id: z.uuid(),
    line_items: lineItems,
    tax_rate_bp: quoteRate.optional(),
    valid_until: isoDate().optional().describe('The last day the customer may accept, YYYY-MM-DD; today or later'),
    notes: noteText(2000).optional().describe('Shown to the customer with the quote'),
    deposit_cents: depositCents.optional(),
    deposit_percent: depositPercent.optional(),
  }),
  output: QUOTE_RECORD,
  async run(ctx, input) {
    checkDeposit(ctx, input.deposit_cents, input.deposit_percent)
    if (!(await ctx.db.query('select 1 from contacts where id = $1', [input.contact_id])).rows.length)
      throw notFound('contact', input.contact_id)
    const settings = await loadTenantSettings(ctx.db)
    const today = localDate(ctx.services.now(), settings.timezone)
    const validUntil = input.valid_until ?? addDays(today, DEFAULT_VALID_DAYS)
    assertNotPast(validUntil, today)
    const lines = await resolveLines(ctx.db, input.line_items, input.tax_rate_bp ?? settings.default_tax_rate_bp)
    const number = await nextQuoteNumber(ctx.db, ctx.tenantId, today)
    const r = await ctx.db.query<{ id: string }>(
      `insert into quotes (tenant_id, number, contact_id, currency, valid_until, tax_rate_bp, notes, deposit_cents, deposit_percent)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
      [
        ctx.tenantId,
        number,
        input.contact_id,
        settings.currency,
        validUntil,
        input.tax_rate_bp ?? null,
        input.notes ?? null,
        input.deposit_cents ?? null,
        input.deposit_percent ?? null,
      ],
    )
    const id = r.rows[0].id
    await writeQuoteLines(ctx.db, ctx.tenantId, id, lines)
    const quote = await loadQuote(ctx.db, id)
    checkDepositWithin(quote)
    await ctx.audit({ entityType: 'quote', entityId: id, action: 'create', before: null, after: quoteAuditView(quote) })
    return quote
  },
})

/** Edits a draft quote. */
export const updateQuote = defineAction({
  key: 'quote.update',
  title: 'Change a draft quote',
  place: BY_AGENT_OR_API,
  description:
    "Change a draft quote: line_items (replaces all lines; totals recomputed), tax_rate_bp (null: the business's rate; given " +
    'without line_items it re-rates every taxed line), valid_until, notes, deposit_cents or deposit_percent (null clears). Only a draft changes; a sent, answered, expired ' +
    'or cancelled quote is a CONFLICT (cancel it and create a new one).',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['notes'], screened: ['line_items.description'] } },
  idempotent: true,
  input: z.strictObject({
    quote_id: z.uuid(),
    line_items: lineItems.optional(),
    tax_rate_bp: quoteRate.nullable().optional(),
    valid_until: isoDate().optional().describe('YYYY-MM-DD; today or later'),
    notes: noteText(2000).nullable().optional(),
    deposit_cents: depositCents.nullable().optional(),
    deposit_percent: depositPercent.nullable().optional(),
  }),
  output: QUOTE_RECORD,
  async run(ctx, input) {
    checkDeposit(ctx, input.deposit_cents ?? undefined, input.deposit_percent ?? undefined)
    const settings = await loadTenantSettings(ctx.db)
    const before = await loadQuote(ctx.db, input.quote_id, true)
    if (before.status !== 'draft') throw quoteConflict(before, 'only a draft quote can be changed')
    if (input.valid_until !== undefined) assertNotPast(input.valid_until, localDate(ctx.services.now(), settings.timezone))
    const rate = input.tax_rate_bp === undefined ? before.tax_rate_bp : input.tax_rate_bp
    const rateOf = (r: number | null) => r ?? settings.default_tax_rate_bp
    if (input.line_items) {
      await writeQuoteLines(ctx.db, ctx.tenantId, before.id, await resolveLines(ctx.db, input.line_items, rateOf(rate)))
    } else if (input.tax_rate_bp !== undefined) {
      await writeQuoteLines(
        ctx.db,
        ctx.tenantId,
        before.id,
        before.line_items.map((l) => ({
          service_id: l.service_id,
          description: l.description,
          quantity: l.quantity,
          unit_price_cents: l.unit_price_cents,
          tax_rate_bp: l.tax_rate_bp > 0 ? rateOf(rate) : 0,
        })),
      )
    }
    // One kind of deposit at a time: giving one clears the other.
    const deposit = input.deposit_cents
      ? { deposit_cents: input.deposit_cents, deposit_percent: null }
      : input.deposit_percent
        ? { deposit_cents: null, deposit_percent: input.deposit_percent }
        : { deposit_cents: input.deposit_cents, deposit_percent: input.deposit_percent }
    const { sets, values } = setClause({ valid_until: input.valid_until, tax_rate_bp: input.tax_rate_bp, notes: input.notes, ...deposit })
    if (sets.length) {
      values.push(before.id)
      await ctx.db.query(`update quotes set ${sets.join(', ')} where id = $${values.length}`, values)
    }
    const after = await loadQuote(ctx.db, before.id)
    checkDepositWithin(after)
    await ctx.audit({
      entityType: 'quote',
      entityId: before.id,
      action: 'update',
      before: quoteAuditView(before),
      after: quoteAuditView(after),
    })
    return after
  },
})

/** Withdraws a quote the customer has not answered. */
export const cancelQuote = defineAction({
  key: 'quote.cancel',
  title: 'Cancel a quote',
  place: page('/quotes', 'pick the quote, then Cancel'),
  description:
    'Cancel a draft or sent quote: the customer can no longer accept it, its emails still queued are not sent and its follow-up ' +
    'reminder is marked done. reason is ' +
    'optional. An accepted, declined or expired quote is a CONFLICT; cancelling twice changes nothing.',
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  phrases: ['withdraw quote', 'cancel estimate'],
  input: z.strictObject({ quote_id: z.uuid(), reason: noteText(500).optional() }),
  output: QUOTE_RECORD,
  async run(ctx, input) {
    const before = await loadQuote(ctx.db, input.quote_id, true)
    if (before.status === 'cancelled') return before
    if (before.status !== 'draft' && before.status !== 'sent') throw quoteConflict(before, 'only a draft or sent quote can be cancelled')
    await ctx.db.query(`update quotes set status = 'cancelled', cancelled_at = $2, cancel_reason = $3 where id = $1`, [
      before.id,
      ctx.services.now(),
      input.reason ?? ctx.reasoning ?? null,
    ])
    await endQuoteChasing(ctx, before, 'cancelled')
    const after = await loadQuote(ctx.db, before.id)
    await ctx.audit({
      entityType: 'quote',
      entityId: before.id,
      action: 'cancel',
      before: quoteAuditView(before),
      after: quoteAuditView(after),
    })
    return after
  },
})

/** Refuses a deposit given two ways, or any deposit while online payments are off (there would be no way to pay it). */
function checkDeposit(ctx: OperationContext, cents: number | undefined, percent: number | undefined): void {
  if (cents && percent)
    throw validationError([{ field: 'data.deposit_percent', message: 'give deposit_cents or deposit_percent, not both' }])
  if ((cents || percent) && !paymentsOf(ctx.services)) {
    throw validationError([
      {
        field: cents ? 'data.deposit_cents' : 'data.deposit_percent',
        message:
          'cannot be asked: online payments are off ' +
          '(no Stripe key is configured), so the customer could not pay it; leave the deposit out and the quote is accepted without one',
      },
    ])
  }
}

/** Refuses a deposit larger than the quote's total. */
function checkDepositWithin(quote: { deposit_cents: number | null; total_cents: number }): void {
  if (quote.deposit_cents && quote.deposit_cents > quote.total_cents) {
    throw validationError([{ field: 'data.deposit_cents', message: `must be at most the quote's total, ${quote.total_cents} cents` }])
  }
}

/** Refuses a valid_until before today. */
function assertNotPast(validUntil: string, today: string): void {
  if (validUntil < today) throw validationError([{ field: 'data.valid_until', message: `must be today (${today}) or later` }])
}
