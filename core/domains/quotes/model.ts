import { z } from 'zod'
import { nextCounterValue } from '../../kernel/counters.js'
import type { Queryable } from '../../db/types.js'
import { AppError, notFound } from '../../kernel/errors.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { type InvoiceLine, writePricedLines } from '../invoices/model.js'
import { PRICED_LINE_RECORD, QUOTE_LINES, readPricedLines } from '../../vocabulary/line-items.js'

/** Where a quote is in its life: only a draft changes; sent waits for the customer; the rest are records. */
export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'declined', 'expired', 'cancelled'] as const

/** The columns of a quote as the API shows it (alias q). */
export const QUOTE_COLUMNS = `q.id, q.number, q.contact_id, q.status, q.currency, q.valid_until, q.tax_rate_bp, q.notes,
  q.subtotal_cents, q.tax_cents, q.total_cents, q.deposit_cents, q.deposit_percent, q.sent_at, q.answered_at, q.customer_note, q.expired_at, q.cancelled_at, q.cancel_reason,
  q.follow_up_interaction_id, q.created_at, q.updated_at`

/** A quote head as the API shows it (QUOTE_COLUMNS). */
export const QUOTE_HEAD = z.object({
  id: z.uuid(),
  number: z.string(),
  contact_id: z.uuid(),
  status: z.enum(QUOTE_STATUSES),
  currency: z.string(),
  valid_until: calendarDay,
  tax_rate_bp: z.number().int().nullable(),
  notes: z.string().nullable(),
  subtotal_cents: z.number().int(),
  tax_cents: z.number().int(),
  total_cents: z.number().int(),
  deposit_cents: z.number().int().nullable(),
  deposit_percent: z.number().int().nullable(),
  sent_at: timestamp.nullable(),
  answered_at: timestamp.nullable(),
  customer_note: z.string().nullable(),
  expired_at: timestamp.nullable(),
  cancelled_at: timestamp.nullable(),
  cancel_reason: z.string().nullable(),
  follow_up_interaction_id: z.uuid().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** A quote with its lines, as the quote actions answer (loadQuote). */
export const QUOTE_RECORD = QUOTE_HEAD.extend({ line_items: z.array(PRICED_LINE_RECORD) })

/** A quote as loaded. */
export type QuoteRow = z.output<typeof QUOTE_RECORD>

/** A quote with its lines, optionally locked for a change; NOT_FOUND when there is none. */
export async function loadQuote(tx: Queryable, id: string, lock = false): Promise<QuoteRow> {
  const r = await tx.query(`select ${QUOTE_COLUMNS} from quotes q where q.id = $1 ${lock ? 'for update' : ''}`, [id])
  if (!r.rows[0]) throw notFound('quote', id)
  return { ...r.rows[0], line_items: await readPricedLines(tx, QUOTE_LINES, id) } as QuoteRow
}

/** Sets a draft quote's lines (replacing any) and the totals they add up to, by the invoices' tax rule (core/vocabulary/money.ts). */
export async function writeQuoteLines(tx: Queryable, tenantId: string, quoteId: string, lines: InvoiceLine[]): Promise<void> {
  await writePricedLines(tx, { table: 'quotes', lines: 'quote_line_items', parent: 'quote_id' }, tenantId, quoteId, lines)
}

/** The next quote number of the business for a year: Q-YYYY-NNNN, gapless. */
export async function nextQuoteNumber(tx: Queryable, tenantId: string, today: string): Promise<string> {
  const year = today.slice(0, 4)
  const n = await nextCounterValue(tx, tenantId, `quote:${year}`)
  return `Q-${year}-${String(n).padStart(4, '0')}`
}

/** A quote as the audit records it: its fields and lines, without ids the lines get anew. */
export function quoteAuditView(quote: QuoteRow): Record<string, unknown> {
  const { line_items, ...fields } = quote
  return { ...fields, line_items: line_items.map(({ id: _id, position: _position, ...line }) => line) }
}

/** The deposit a quote asks on acceptance, in cents: its amount, or its share of the total rounded half up; 0 when none. */
export function depositOf(quote: Pick<QuoteRow, 'deposit_cents' | 'deposit_percent' | 'total_cents'>): number {
  if (quote.deposit_cents) return Math.min(quote.deposit_cents, quote.total_cents)
  if (quote.deposit_percent) return Math.floor((quote.total_cents * quote.deposit_percent + 50) / 100)
  return 0
}

/** Refuses a change to a quote in the wrong state, naming its status. */
export function quoteConflict(quote: Pick<QuoteRow, 'id' | 'number' | 'status'>, message: string): AppError {
  return new AppError('CONFLICT', `Quote ${quote.number} is ${quote.status}: ${message}`, {
    quote_id: quote.id,
    number: quote.number,
    status: quote.status,
  })
}
