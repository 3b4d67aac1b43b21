import { lineTaxCents } from './money.js'

/** A ticket's money and time, derived from its line items. */
export interface TicketTotals {
  subtotal_cents: number
  tax_cents: number
  total_cents: number
  currency: string
  /** The work the line items take, in minutes (lines without a duration count as 0). */
  duration_minutes: number
}

/** A ticket line as its totals count it. */
export interface TotalledLine {
  price_cents: number
  taxable: boolean
  duration_minutes: number | null
}

/**
 * The one place a ticket's totals are derived. Tax is figured per taxable line at the business's default rate and
 * rounded to the nearest cent, halves away from zero, then summed: the same per-line figures an invoice shows.
 */
export function ticketTotals(
  lines: ReadonlyArray<TotalledLine>,
  settings: { default_tax_rate_bp: number; currency: string },
): TicketTotals {
  let subtotal = 0
  let tax = 0
  let minutes = 0
  for (const line of lines) {
    subtotal += line.price_cents
    if (line.taxable) tax += lineTaxCents(line.price_cents, settings.default_tax_rate_bp)
    minutes += line.duration_minutes ?? 0
  }
  return { subtotal_cents: subtotal, tax_cents: tax, total_cents: subtotal + tax, currency: settings.currency, duration_minutes: minutes }
}

/** The word beside a price that is an estimate to be confirmed on site, wherever a customer reads one. */
export const ESTIMATED = 'Estimated'
