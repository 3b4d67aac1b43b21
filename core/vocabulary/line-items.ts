import { z } from 'zod'
import type { Queryable } from '../db/types.js'
import { validationError } from '../kernel/errors.js'
import { linePriceCents, MAX_CENTS } from './money.js'

/*
 * A priced line as invoices, quotes and orders show it: the same columns in invoice_line_items and quote_line_items
 * (an order shows its quote's lines). Ticket lines carry durations and a taxable flag instead of a rate: their own record.
 */

/** The columns of a priced line as the API shows it (alias l). */
export const PRICED_LINE_COLUMNS =
  'l.id, l.service_id, l.description, l.quantity, l.unit_price_cents, l.price_cents, l.tax_rate_bp, l.tax_cents, l.position'

/** Where a record's priced lines are: invoice lines by invoice_id; a quote's, and its order's, by quote_id. */
export type PricedLinesOf = { table: 'invoice_line_items'; key: 'invoice_id' } | { table: 'quote_line_items'; key: 'quote_id' }

/** Invoice lines, and the lines of a quote (an order's are its quote's). */
export const INVOICE_LINES: PricedLinesOf = { table: 'invoice_line_items', key: 'invoice_id' }
export const QUOTE_LINES: PricedLinesOf = { table: 'quote_line_items', key: 'quote_id' }

/** The priced lines of one record (key = its id), in their order. */
export async function readPricedLines(tx: Queryable, of: PricedLinesOf, id: unknown): Promise<Record<string, unknown>[]> {
  const r = await tx.query(`select ${PRICED_LINE_COLUMNS} from ${of.table} l where l.${of.key} = $1 order by l.position, l.id`, [id])
  return r.rows
}

/** A list's column `line_items`: the priced lines of each listed record (owner: its id, e.g. 'q.id') as a JSON array, in their order. */
export function pricedLinesColumn(of: PricedLinesOf, owner: string): string {
  return `coalesce((select jsonb_agg(to_jsonb(x) order by x.position, x.id) from (select ${PRICED_LINE_COLUMNS}
         from ${of.table} l where l.${of.key} = ${owner}) x), '[]') as line_items`
}

/** A priced line of an invoice, a quote or an order as the API shows it (PRICED_LINE_COLUMNS). */
export const PRICED_LINE_RECORD = z.object({
  id: z.uuid(),
  service_id: z.uuid().nullable(),
  description: z.string(),
  quantity: z.number().int(),
  unit_price_cents: z.number().int(),
  price_cents: z.number().int(),
  tax_rate_bp: z.number().int(),
  tax_cents: z.number().int(),
  position: z.number().int(),
})

/** A line as its price is counted: quantity times unit price, before tax. */
export interface CountedLine {
  quantity: number
  unit_price_cents: number
}

/** The sum of the lines' prices before tax, by the tax rule's line price; refused, naming the field, when too large to store. */
export function subtotalCents(lines: readonly CountedLine[], field: string): number {
  const subtotal = lines.reduce((sum, l, i) => sum + linePriceCents(l.quantity, l.unit_price_cents, `${field}.${i}`), 0)
  if (subtotal > MAX_CENTS) throw validationError([{ field, message: `the lines come to more than ${MAX_CENTS} cents` }])
  return subtotal
}
