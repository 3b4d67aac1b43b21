import { addMonths } from './time.js'
import { formatMoney } from './money.js'

/** How often a service plan or a recurring invoice bills: each month, quarter or year from its first day. */
export const CYCLES = ['monthly', 'quarterly', 'yearly'] as const
/** One of CYCLES. */
export type Cycle = (typeof CYCLES)[number]

/** Months in one cycle. */
export const CYCLE_MONTHS: Record<Cycle, number> = { monthly: 1, quarterly: 3, yearly: 12 }

/** What each cycle is called on the pages and in answers: "a month". */
export const CYCLE_WORDS: Record<Cycle, string> = { monthly: 'month', quarterly: 'quarter', yearly: 'year' }

/** The first day of the period `n` cycles after `start` (n = 0 is start); a start on the 31st falls on shorter months' last day. */
export function cycleStart(start: string, cycle: Cycle, n: number): string {
  return addMonths(start, CYCLE_MONTHS[cycle] * n)
}

/** A plan's price in words, e.g. "$45.00 a month for 12 months, renewing". */
export function planPriceWords(plan: {
  price_cents: number
  currency: string
  cycle: Cycle
  term_cycles: number
  renews: boolean
}): string {
  const noun = CYCLE_WORDS[plan.cycle]
  const term = `${plan.term_cycles} ${noun}${plan.term_cycles === 1 ? '' : 's'}`
  return `${formatMoney(plan.price_cents, plan.currency)} a ${noun} for ${term}${plan.renews ? ', renewing' : ''}`
}
