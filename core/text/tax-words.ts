/** A line as the tax rows read it: its price, its tax and the rate it was taxed at. */
export interface TaxedLine {
  price_cents: number
  tax_cents: number
  tax_rate_bp: number
}

/** One tax row of a customer's invoice or quote: its words and its amount. */
export interface TaxRow {
  label: string
  cents: number
}

/** A tax rate in basis points as a customer reads it: 800 is "8%", 825 is "8.25%". */
export function taxRateWords(rateBp: number): string {
  return `${Number((rateBp / 100).toFixed(2))}%`
}

/**
 * The tax rows under a customer's lines, with their rate. Lines at one rate: one row, "Tax (8%)". Lines at different
 * rates: a row per rate that taxes something, saying on what, "Tax (8% on $200.00)"; should those rows not add up to
 * the tax charged (a record whose lines do not carry their tax), one row "Tax (rates differ by line)" instead.
 */
export function taxRows(lines: readonly TaxedLine[], taxCents: number, money: (cents: number) => string): TaxRow[] {
  const rates = [...new Set(lines.map((l) => l.tax_rate_bp))].sort((a, b) => a - b)
  if (rates.length === 0) return [{ label: 'Tax', cents: taxCents }]
  if (rates.length === 1) return [{ label: `Tax (${taxRateWords(rates[0])})`, cents: taxCents }]
  const rows = rates
    .filter((rate) => rate > 0)
    .map((rate) => {
      const at = lines.filter((l) => l.tax_rate_bp === rate)
      const on = at.reduce((sum, l) => sum + l.price_cents, 0)
      return { label: `Tax (${taxRateWords(rate)} on ${money(on)})`, cents: at.reduce((sum, l) => sum + l.tax_cents, 0) }
    })
  const sum = rows.reduce((total, r) => total + r.cents, 0)
  return sum === taxCents ? rows : [{ label: 'Tax (rates differ by line)', cents: taxCents }]
}
