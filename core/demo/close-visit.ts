import { daysBetween } from '../vocabulary/time.js'
import type { DemoBusiness, DemoCustomer } from './demo-context.js'
import { visitNote } from './visit-notes.js'

/** Visits older than this many days were all paid; among more recent ones some invoices are still open. */
const ALL_PAID_AFTER_DAYS = 45

/** What closing and billing the demo's past visits made, by kind. */
export interface ClosedCounts {
  completed_tickets: number
  notes: number
  attributes: number
  invoices: number
  paid_invoices: number
  unpaid_invoices: number
}

/** Counts that start at zero. */
export function noClosedVisits(): ClosedCounts {
  return { completed_tickets: 0, notes: 0, attributes: 0, invoices: 0, paid_invoices: 0, unpaid_invoices: 0 }
}

/** A booked past visit to complete: the ticket as ticket.create answered, who did it, its day and when it ended. */
export interface PastVisit {
  ticket: Record<string, any>
  customer: DemoCustomer
  technicianId: string
  date: string
  end: Date
}

/**
 * Completes a past visit as it happened: its technician closes it with ticket.close at the end of the visit (notes and
 * the facts they teach, confirmed), then the owner invoices it that day and records the customer's payment when it came.
 * Every step is a registered action run on a clock set to that moment, so dates read as they would have.
 */
export async function closeAndBill(b: DemoBusiness, visit: PastVisit, counts: ClosedCounts): Promise<void> {
  const { act, rand } = b
  const technician = { tenantId: b.tenantId, actor: { type: 'user' as const, id: visit.technicianId, role: 'technician' as const } }
  const booked = Math.round((new Date(visit.ticket.scheduled_end).getTime() - new Date(visit.ticket.scheduled_start).getTime()) / 60_000)
  const note = visitNote(visit.customer, rand)
  await act(
    'ticket',
    'close',
    {
      ticket_id: visit.ticket.id,
      duration_minutes: Math.max(15, booked + rand.int(-15, 20)),
      line_items: (visit.ticket.line_items as Array<{ id: string }>).map((l) => ({ line_item_id: l.id })),
      final_price_confirmed: visit.ticket.is_price_estimated ? true : undefined,
      notes: note?.text ?? '',
      next_service: { kind: 'none' },
      attributes: (note?.facts ?? []).map((f) => ({ key: f.key, value: f.value, confidence: 0.9 })),
    },
    { as: technician, at: visit.end },
  )
  counts.completed_tickets++
  if (note) counts.notes++
  counts.attributes += note?.facts.length ?? 0

  const invoice = await act('invoice', 'create_from_ticket', { ticket_id: visit.ticket.id, issued_on: visit.date }, { at: visit.end })
  counts.invoices++
  const total = Number(invoice.total_cents)
  const pay = (amount: number, at: Date) =>
    act(
      'invoice',
      'record_payment',
      {
        invoice_id: invoice.id,
        amount_cents: amount,
        method: rand.pick(['check', 'check', 'cash', 'other'] as const),
        received_at: at.toISOString(),
      },
      { at },
    )
  // Paid at the door: the invoice is never sent. Otherwise it is sent that day, and paid within two weeks unless it is recent.
  if (rand.chance(0.4)) {
    await pay(total, visit.end)
    counts.paid_invoices++
    return
  }
  await act('invoice', 'mark_sent', { invoice_id: invoice.id }, { at: visit.end })
  const age = daysBetween(visit.date, b.today)
  const roll = rand.next()
  // A payment is never dated after today: a visit of yesterday is still owed.
  if (age <= 1 || (age <= ALL_PAID_AFTER_DAYS && roll < 0.5)) {
    if (age > 1 && roll < 0.1) await pay(Math.round(total / 2), new Date(visit.end.getTime() + 86_400_000))
    counts.unpaid_invoices++
    return
  }
  await pay(total, new Date(visit.end.getTime() + rand.int(1, Math.min(14, age - 1)) * 86_400_000))
  counts.paid_invoices++
}
