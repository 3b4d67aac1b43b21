import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { validationError } from '../../kernel/errors.js'
import { runWorkflow } from '../../kernel/workflows.js'
import { step, type WorkflowStep } from '../../kernel/domain-manifest.js'
import type { TenantSettings } from '../settings/model.js'
import { addNote } from '../notes/actions.js'
import { setAttribute } from '../attributes/actions.js'
import type { CloseTicketInput } from './close-input.js'
import type { LifecycleClose } from '../contacts/close-steps.js'
import type { MessagesClose } from '../messages/close-steps.js'
import { type ConfirmedLine, writeConfirmedLines } from './close-lines.js'
import type { CloseResult } from './close.js'
import { auditSnapshot, ticketDetail, type TicketRow } from './model.js'

/** What the steps of closing a visit share: the checked call and visit, and what each step adds to the answer. */
export interface VisitClose {
  input: CloseTicketInput
  /** The visit, locked, as it was before the close. */
  ticket: TicketRow
  settings: TenantSettings
  /** The visit's detail before the close (its technicians, lines and totals), for the audit and for booking the next. */
  before: Record<string, unknown>
  /** Whether the booked price was an estimate, now confirmed. */
  estimated: boolean
  /** How an early start was allowed, kept in the audit entry. */
  startedEarly: Record<string, unknown>
  lines: ConfirmedLine[]
  now: Date
  /** Whether ticket.close asked to bill the visit and email the invoice at once. */
  sendInvoice: boolean
  /** The answer, as the steps fill it in. */
  result: Omit<CloseResult, 'ticket'> & { ticket: Record<string, unknown> | null; invoice: IssuedOnClose | null }
}

/** The invoice a close issued and emailed (send_invoice). */
export interface IssuedOnClose {
  id: string
  number: string
  status: string
  total_cents: number
  amount_due_cents: number
  message_id: string | null
  /** What the invoice waits for before it can be emailed (a way to pay), or null when it was emailed. */
  waits_for: string | null
}

/** Whether a close is what a step declared it reads: never, and the line below fails to compile, when it is not. */
type Holds<T> = VisitClose extends T ? true : never

// The steps of domains below tickets declare what they read of a close; the compiler holds a close to each.
const CLOSE_HOLDS_EVERY_STEP: [Holds<LifecycleClose>, Holds<MessagesClose>] = [true, true]
void CLOSE_HOLDS_EVERY_STEP

/**
 * The steps of closing a visit, in order. Each is given by the domain named before its dot, in that domain's manifest
 * (`steps`); the visit is checked and locked before the first runs (closeTicketWith).
 */
export const CLOSE_STEPS = [
  'series.check-kept-series',
  'tickets.record-work',
  'tickets.keep-close-note',
  'tickets.keep-customer-facts',
  'tickets.complete-visit',
  'messages.cancel-pending-confirmations',
  'tickets.audit-close',
  'contacts.refresh-lifecycle',
  'orders.settle-order',
  'series.book-next-visit',
  'messages.queue-reach-out',
  'invoices.issue-and-email-invoice',
] as const

/** Runs the steps of closing a checked, locked visit, in order, in the caller's transaction. */
export async function runVisitClose(ctx: OperationContext, close: VisitClose): Promise<void> {
  await runWorkflow(ctx, 'ticket.close', close)
}

/** Clocks out whoever is still clocked in and writes the work as confirmed. */
async function recordWork(ctx: OperationContext, close: VisitClose): Promise<void> {
  await ctx.db.query(
    `update ticket_technicians set clock_out_at = greatest($2::timestamptz, clock_in_at)
    where ticket_id = $1 and clock_in_at is not null and clock_out_at is null`,
    [close.ticket.id, close.now],
  )
  await writeConfirmedLines(ctx.db, ctx.tenantId, close.ticket.id, close.lines)
}

/** Keeps the technician's notes as a note on the ticket (none for ""). */
async function keepCloseNote(ctx: OperationContext, close: VisitClose): Promise<void> {
  if (!close.input.notes.trim()) return
  const note = await callWithin(ctx, addNote, { ticket_id: close.ticket.id, content: close.input.notes })
  close.result.note_id = String(note.id)
}

/** Stores the customer facts confirmed at the close on the contact, from the close-out. */
async function keepCustomerFacts(ctx: OperationContext, close: VisitClose): Promise<void> {
  for (const a of close.input.attributes) {
    if (a.value === null) throw validationError([{ field: 'data.attributes', message: `${a.key}: value must not be null` }])
    const saved = await callWithin(ctx, setAttribute, {
      contact_id: close.ticket.contact_id,
      key: a.key,
      value: a.value,
      source: 'ticket_closeout',
      confidence: a.confidence,
      confirmed: ctx.actor.type === 'user',
      ticket_id: close.ticket.id,
    })
    close.result.attributes.push({ id: String(saved.id), key: a.key, value: saved.value })
  }
}

/** Marks the visit completed with the time spent; from here it never changes again. */
async function completeVisit(ctx: OperationContext, close: VisitClose): Promise<void> {
  await ctx.db.query(
    `update tickets set status = 'completed', closed_at = $2, duration_minutes = $3, is_price_estimated = false
    where id = $1`,
    [close.ticket.id, close.now, close.input.duration_minutes],
  )
}

/** Audits the close, before and after. */
async function auditClose(ctx: OperationContext, close: VisitClose): Promise<void> {
  const after = await ticketDetail(ctx.db, close.ticket.id, close.settings)
  await ctx.audit({
    entityType: 'ticket',
    entityId: close.ticket.id,
    action: 'close',
    before: auditSnapshot(close.before),
    after: { ...auditSnapshot(after), final_price_confirmed: close.estimated ? true : undefined, ...close.startedEarly },
  })
  close.result.ticket = after
}

/** The tickets domain's own steps of closing a visit, for its manifest. */
export const TICKET_CLOSE_STEPS: readonly WorkflowStep[] = [
  step('ticket.close', 'tickets.record-work', recordWork),
  step('ticket.close', 'tickets.keep-close-note', keepCloseNote),
  step('ticket.close', 'tickets.keep-customer-facts', keepCustomerFacts),
  step('ticket.close', 'tickets.complete-visit', completeVisit),
  step('ticket.close', 'tickets.audit-close', auditClose),
]
