import { addDays, daysBetween, weekdayOf } from '../vocabulary/time.js'
import { closeAndBill, type ClosedCounts } from './close-visit.js'
import { clock, minutesOf, TRAVEL_MINUTES, visitLines, type DemoBusiness, type DemoCustomer } from './demo-context.js'

/** Days of history before the schedule: a year. */
const HISTORY_DAYS = 365
/** Days between a regular customer's visits: spring and fall. */
const SEASON_DAYS = 182

/**
 * A year of completed visits before the schedule's first day, oldest first so ticket and invoice numbers grow with the
 * dates: the regular customers (tagged recurring) in spring and fall, three in ten of the others once or twice. Each visit is
 * booked with ticket.create, then closed and billed as it happened (closeAndBill).
 */
export async function loadHistory(b: DemoBusiness, until: string, counts: ClosedCounts): Promise<void> {
  const { rand } = b
  const from = addDays(b.today, -HISTORY_DAYS)
  const span = daysBetween(from, until)
  const wanted: Array<{ customer: DemoCustomer; date: string }> = []
  for (const customer of b.customers) {
    if (customer.recurring) {
      for (let season = 0; season < 2; season++) wanted.push({ customer, date: addDays(until, -(season * SEASON_DAYS + rand.int(0, 20))) })
    } else if (rand.chance(0.3)) {
      const date = addDays(from, rand.int(0, span))
      wanted.push({ customer, date })
      const again = addDays(date, rand.int(150, 200))
      if (again <= until && rand.chance(0.25)) wanted.push({ customer, date: again })
    }
  }
  wanted.sort((x, y) => x.date.localeCompare(y.date))
  const booked = new Map<string, number>()
  for (const visit of wanted) {
    const duration = rand.pick([60, 90, 120, 150])
    const slot = freeSlot(b, booked, visit.date, until, duration)
    if (!slot) continue
    const ticket = await b.act('ticket', 'create', {
      contact_id: visit.customer.id,
      address_id: visit.customer.addressId,
      scheduled_start: `${slot.date}T${clock(slot.start)}`,
      duration_minutes: duration,
      technician_ids: [slot.technicianId],
      line_items: visitLines(b, visit.customer),
    })
    await closeAndBill(
      b,
      { ticket, customer: visit.customer, technicianId: slot.technicianId, date: slot.date, end: new Date(ticket.scheduled_end) },
      counts,
    )
  }
}

/** The first business day from `date` (not after `until`) on which a technician has room for the job, and when; null when none has. */
function freeSlot(b: DemoBusiness, booked: Map<string, number>, date: string, until: string, minutes: number) {
  for (let day = date; day <= until; day = addDays(day, 1)) {
    const hours = b.businessHours[weekdayOf(day)] ?? []
    if (!hours.length) continue
    const [open, close] = hours[0]
    // The technician with the emptier day first, so the work is shared.
    const free = b.technicians
      .map((technicianId) => ({ technicianId, start: booked.get(`${day} ${technicianId}`) ?? minutesOf(open) }))
      .sort((x, y) => x.start - y.start)
    const slot = free.find((f) => f.start + minutes <= minutesOf(close))
    if (!slot) continue
    booked.set(`${day} ${slot.technicianId}`, slot.start + minutes + TRAVEL_MINUTES)
    return { date: day, ...slot }
  }
  return null
}
