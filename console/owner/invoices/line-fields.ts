import { parseAmountCents } from '../../../core/vocabulary/money.js'
import { amountRefused, field } from '../../form-kit.js'

/**
 * The lines of an invoice-like form as invoice.create takes them: each of its `catalog` lines with a service (service_<i>,
 * quantity_<i>), then each of its `own` lines with words (description_<i>, price_<i> in dollars and cents).
 */
export function linesOf(body: unknown, catalog: number, own: number): Array<Record<string, unknown>> {
  const fromCatalog = Array.from({ length: catalog }, (_, i) => ({
    service: field(body, `service_${i}`),
    quantity: field(body, `quantity_${i}`),
  }))
    .filter((l) => l.service)
    .map((l) => ({ service_id: l.service, quantity: Number(l.quantity || '1') }))
  const inWords = Array.from({ length: own }, (_, i) => ({ words: field(body, `description_${i}`), price: field(body, `price_${i}`), i }))
    .filter((l) => l.words || l.price)
    .map((l) => {
      const cents = parseAmountCents(l.price)
      if (cents === null || cents < 0) throw amountRefused(`price_${l.i}`, l.price)
      return { description: l.words, unit_price_cents: cents }
    })
  return [...fromCatalog, ...inWords]
}
