import { validationError } from '../kernel/errors.js'

/*
 * Money: amounts are integer cents in the tenant's currency; tax rates are basis points (825 = 8.25 %).
 *
 * The tax rule, applied to every invoice (and only here):
 *   line price = quantity * unit price
 *   line tax   = line price * tax rate (bp) / 10000, rounded to a whole cent, halves away from zero, per line:
 *                exactly half a cent or more goes up (1050 cents at 5 % = 52.5 -> 53), less goes down (52.49 -> 52);
 *                a negative line (a discount, a credit) takes back exactly the tax the same positive line adds
 *                (-1050 cents at 5 % = -53)
 *   subtotal   = the sum of the line prices
 *   tax        = the sum of the line taxes (never recomputed from the subtotal, so it can differ from
 *                subtotal * rate by a cent or two when there are many lines)
 *   total      = subtotal + tax
 * Invoice prices are never negative (they are refused where they enter); ticket totals use the same rule. All
 * arithmetic is on integers: nothing passes through a fraction of a cent that a float could misround.
 */

/** The largest amount a cents column holds (PostgreSQL int). Every amount that enters is held to it where it enters. */
export const MAX_CENTS = 2_147_483_647

/** An amount as money is given to us: whole cents, 0 to MAX_CENTS. */
export function fitsCents(cents: number): boolean {
  return Number.isSafeInteger(cents) && cents >= 0 && cents <= MAX_CENTS
}

/**
 * An amount as people and files write it, in whole cents; null when it is not an amount. The one rule: spaces and
 * thousands commas are ignored, a dollar sign is optional, at most two decimals ("45", "45.5", "$1,250.00"), and a
 * minus sign (before or after the $) or accounting parentheses ("($5.00)") make it negative (one sign only). Bounds are the caller's.
 */
export function parseAmountCents(text: string): number | null {
  const m = /^(\()?(-)?\$?(-)?(\d+)(?:\.(\d{1,2}))?(\))?$/.exec(text.replace(/[\s,]/g, ''))
  if (!m || Boolean(m[1]) !== Boolean(m[6]) || [m[1], m[2], m[3]].filter(Boolean).length > 1) return null
  const cents = Number(m[4]) * 100 + Number((m[5] ?? '').padEnd(2, '0'))
  if (!Number.isSafeInteger(cents)) return null
  // 0 - cents rather than -cents: "-0" gives 0, never -0.
  return m[1] || m[2] || m[3] ? 0 - cents : cents
}

/**
 * Whole cents of an amount a provider sends as a decimal (the number 150.5, the text "150.50", "-20"), by the one rule
 * of parseAmountCents; digits past the cents round to the nearest cent, half away from zero. null when it is not an amount.
 */
export function decimalAmountCents(amount: number | string): number | null {
  const text = typeof amount === 'number' ? decimalText(amount) : amount.trim()
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text)
  if (!m) return null
  const [, minus, whole, decimals = ''] = m
  const cents = parseAmountCents(`${minus}${whole}.${decimals.slice(0, 2).padEnd(2, '0')}`)
  if (cents === null) return null
  if (Number(decimals[2] ?? 0) < 5) return cents
  return minus ? cents - 1 : cents + 1
}

/** A number written out in decimals (never with an exponent while it has a cents part to read); '' when not finite. */
function decimalText(n: number): string {
  if (!Number.isFinite(n)) return ''
  const text = String(n)
  return text.includes('e') ? n.toFixed(20) : text
}

/** One line's price, quantity * unit price; refused, naming the line, when a cents column could not hold it. */
export function linePriceCents(quantity: number, unitPriceCents: number, field: string): number {
  const price = quantity * unitPriceCents
  if (!fitsCents(price))
    throw validationError([{ field, message: `quantity * unit_price_cents is more than ${MAX_CENTS} cents, the most a price may be` }])
  return price
}

/** What has been paid on a record once this payment is added; refused, naming the payment, when a cents column could not hold it. */
export function paidAfterCents(paidCents: number, amountCents: number, field: string): number {
  const paid = paidCents + amountCents
  if (!fitsCents(amountCents) || !fitsCents(paid)) {
    throw validationError([
      { field, message: `would bring the payments recorded to ${paid} cents, more than ${MAX_CENTS} cents, the most one record holds` },
    ])
  }
  return paid
}

/** A line as the tax rule sees it. */
export interface TaxableLine {
  quantity: number
  unit_price_cents: number
  tax_rate_bp: number
}

/** A line's price and tax, in cents. */
export interface LineAmounts {
  price_cents: number
  tax_cents: number
}

/** An invoice's amounts: each line's, and the sums. */
export interface InvoiceTotals {
  lines: LineAmounts[]
  subtotal_cents: number
  tax_cents: number
  total_cents: number
}

/** The tax on one line's price: price * rate_bp / 10000, rounded to a whole cent with halves away from zero. */
export function lineTaxCents(priceCents: number, taxRateBp: number): number {
  if (!Number.isSafeInteger(priceCents)) throw new RangeError(`price must be whole cents, not ${priceCents}`)
  if (!Number.isInteger(taxRateBp) || taxRateBp < 0 || taxRateBp > 10_000)
    throw new RangeError(`tax rate must be 0 to 10000 bp, not ${taxRateBp}`)
  // 0 - tax rather than -tax: a line whose tax rounds to nothing gives 0, never -0.
  if (priceCents < 0) return 0 - lineTaxCents(-priceCents, taxRateBp)
  const scaled = priceCents * taxRateBp + 5_000
  return (scaled - (scaled % 10_000)) / 10_000
}

/** Every amount of an invoice from its lines: the one place totals are computed. Amounts too large to store are refused. */
export function invoiceTotals(lines: readonly TaxableLine[], field = 'data.line_items'): InvoiceTotals {
  const amounts = lines.map((line, i) => {
    const price = linePriceCents(line.quantity, line.unit_price_cents, `${field}.${i}`)
    return { price_cents: price, tax_cents: lineTaxCents(price, line.tax_rate_bp) }
  })
  const subtotal = amounts.reduce((sum, a) => sum + a.price_cents, 0)
  const tax = amounts.reduce((sum, a) => sum + a.tax_cents, 0)
  if (subtotal + tax > MAX_CENTS) throw validationError([{ field, message: `the invoice total is more than ${MAX_CENTS} cents` }])
  return { lines: amounts, subtotal_cents: subtotal, tax_cents: tax, total_cents: subtotal + tax }
}

/** An amount in cents as the business writes it, e.g. "$1,250.00". */
export function formatMoney(cents: number, currency: string): string {
  let format = moneyFormats.get(currency)
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency })
    moneyFormats.set(currency, format)
  }
  return format.format(cents / 100)
}

// Making an Intl formatter costs far more than using one: one is kept per currency.
const moneyFormats = new Map<string, Intl.NumberFormat>()
