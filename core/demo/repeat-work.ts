import { addDays, weekdayOf } from '../vocabulary/time.js'
import type { DemoBusiness } from './demo-context.js'

/** What the demo set up beyond single visits, by kind. */
export interface RepeatCounts {
  series: number
  quotes: number
}

/**
 * The work ahead beyond single bookings: two regular customers on a recurring series (series.create books their
 * visits ahead), and two quotes for bigger jobs, one emailed to the customer (quote.send) and one still a draft.
 */
export async function loadRepeatWork(b: DemoBusiness): Promise<RepeatCounts> {
  const { act, catalog } = b
  const regulars = b.customers.filter((c) => c.recurring)
  const others = b.customers.filter((c) => !c.recurring)
  const counts: RepeatCounts = { series: 0, quotes: 0 }
  const plans = [
    {
      rule: 'FREQ=MONTHLY;INTERVAL=3',
      days: 10,
      time: '09:00',
      minutes: 90,
      line: { service_id: catalog.exterior, unit_price_cents: 22_000 },
      notes: 'Quarterly exterior clean; screens every other visit.',
    },
    {
      rule: 'FREQ=MONTHLY',
      days: 12,
      time: '13:00',
      minutes: 60,
      line: { service_id: catalog.exterior, unit_price_cents: 15_000 },
      notes: 'Monthly front windows for the home office.',
    },
  ]
  for (const [i, plan] of plans.entries()) {
    const customer = regulars[(i * 7) % regulars.length]
    if (!customer) break
    await act('series', 'create', {
      contact_id: customer.id,
      address_id: customer.addressId,
      rule: plan.rule,
      start_date: businessDayFrom(b, addDays(b.today, plan.days)),
      start_time: plan.time,
      duration_minutes: plan.minutes,
      technician_ids: [b.technicians[i % b.technicians.length]],
      line_items: [plan.line],
      notes: plan.notes,
    })
    counts.series++
  }
  const quotes = [
    {
      lines: [
        { service_id: catalog.fullClean, unit_price_cents: 48_000 },
        { service_id: catalog.gutters },
        { service_id: catalog.screens, quantity: 26 },
      ],
      notes: 'Spring package: inside and out, gutters and all 26 screens.',
      send: true,
    },
    {
      lines: [
        { description: 'Hard water stain removal, sunroom glass', unit_price_cents: 32_500 },
        { service_id: catalog.exterior, unit_price_cents: 20_000 },
      ],
      notes: 'Restoration treatment for the sunroom, then a regular exterior clean.',
      send: false,
    },
  ]
  for (const [i, q] of quotes.entries()) {
    const customer = others[(i * 11) % others.length]
    if (!customer) break
    const quote = await act('quote', 'create', { contact_id: customer.id, line_items: q.lines, notes: q.notes })
    if (q.send) await act('quote', 'send', { quote_id: quote.id }, { reasoning: 'The customer asked for a price on the spring package' })
    counts.quotes++
  }
  return counts
}

/** The first business day on or after a date. */
function businessDayFrom(b: DemoBusiness, date: string): string {
  let day = date
  for (let i = 0; i < 7 && !(b.businessHours[weekdayOf(day)] ?? []).length; i++) day = addDays(day, 1)
  return day
}
