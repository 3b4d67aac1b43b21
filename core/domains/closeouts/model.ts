import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { timestamp } from '../../kernel/output-types.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { seriesOfTicket } from '../series/model.js'
import { loadTenantSettings } from '../settings/model.js'
import type { ConfirmedLine } from '../tickets/close-lines.js'
import type { CloseTicketInput } from '../tickets/close-input.js'
import { BOOKED_VISIT, clockedMinutes, TICKET_TOTALS } from '../tickets/model.js'
import { TICKET_STATUSES } from '../../vocabulary/ticket-states.js'
import { INVOICE_STATUSES } from '../../vocabulary/invoice-states.js'
import { ticketTotals } from '../../vocabulary/ticket-totals.js'

/** The close-out's steps, in the order the technician must take them. */
export const STEPS = ['work', 'notes', 'next', 'confirm', 'complete', 'payment'] as const
/** One step of the close-out. */
export type Step = (typeof STEPS)[number]

/** How the model's reading of the notes went; never an empty success. */
export type ExtractionStatus = 'pending' | 'ok' | 'failed' | 'off' | 'empty'

/** A fact the model read from the notes. */
export interface ExtractedAttribute {
  key: string
  value: string
  confidence: number
}

/** What the technician decided about one fact: keep as read, keep with an edit, drop. */
export interface AttributeDecision {
  key: string
  value: string
  origin: 'extracted' | 'manual'
  decision: 'keep' | 'edit' | 'drop'
  confidence?: number
}

/** The technician's answers so far, as stored in closeouts.state. */
export interface CloseoutState {
  work: { duration_minutes: number; line_items: ConfirmedLine[]; final_price_confirmed: boolean; is_price_estimated: boolean }
  notes?: string
  no_notes?: boolean
  next_service?: CloseTicketInput['next_service']
  extraction?: { status: ExtractionStatus; message: string; for_notes: string; attributes: ExtractedAttribute[] }
  attributes?: AttributeDecision[]
}

/** A closeouts row. */
export interface CloseoutRow {
  ticket_id: string
  started_by: string | null
  state: CloseoutState
  steps_done: Step[]
  completed_at: Date | null
  result: Record<string, unknown> | null
  payment_choice: string | null
  skip_reason: string | null
  payment_note: string | null
  invoice_id: string | null
  finished_at: Date | null
  created_at: Date
  updated_at: Date
}

const COLUMNS = `ticket_id, started_by, state, steps_done, completed_at, result, payment_choice, skip_reason, payment_note, invoice_id,
  finished_at, created_at, updated_at`

/** The close-out of a ticket, locked for update when asked; NOT_FOUND when none was started. */
export async function loadCloseout(tx: Queryable, ticketId: string, lock = false): Promise<CloseoutRow> {
  const r = await tx.query<CloseoutRow>(`select ${COLUMNS} from closeouts where ticket_id = $1 ${lock ? 'for update' : ''}`, [ticketId])
  if (!r.rows[0]) {
    throw new AppError('NOT_FOUND', `Ticket ${ticketId} has no close-out in progress; start one with closeout.start`, {
      entity: 'closeout',
      id: ticketId,
    })
  }
  return r.rows[0]
}

/** Stores the answers and the steps done. */
export async function saveCloseout(tx: Queryable, ticketId: string, state: CloseoutState, stepsDone: readonly Step[]): Promise<void> {
  await tx.query('update closeouts set state = $2, steps_done = $3 where ticket_id = $1', [ticketId, JSON.stringify(state), [...stepsDone]])
}

/** The first step not yet done, or 'done'. */
export function nextStep(stepsDone: readonly string[]): Step | 'done' {
  return STEPS.find((s) => !stepsDone.includes(s)) ?? 'done'
}

/** Refuses a step whose earlier steps are missing, and any change to the answers once the ticket is completed. */
export function assertStepOpen(row: CloseoutRow, step: Step): void {
  if (row.completed_at && STEPS.indexOf(step) <= STEPS.indexOf('complete')) {
    throw new AppError(
      'IMMUTABLE',
      `This ticket was completed at ${new Date(row.completed_at).toISOString()}; its close-out can no longer change`,
      { ticket_id: row.ticket_id, next_step: nextStep(row.steps_done) },
    )
  }
  const missing = STEPS.slice(0, STEPS.indexOf(step)).find((s) => !row.steps_done.includes(s))
  if (missing) {
    throw new AppError('CONFLICT', `Step "${missing}" of the close-out comes first; it is not done yet`, {
      ticket_id: row.ticket_id,
      step,
      missing_step: missing,
    })
  }
}

/**
 * The steps done after answering one: the step itself (when done), and the confirmation is to be seen again
 * whenever an earlier answer changed, since the summary it froze is no longer true.
 */
export function stepsAfterSaving(stepsDone: readonly Step[], step: Step, done = true): Step[] {
  const kept = stepsDone.filter((s) => s !== step && s !== 'confirm')
  return done ? [...kept, step] : kept
}

/** The close-out as the pages and the API show it: answers, steps, and the ticket it is about. */
export async function closeoutView(ctx: OperationContext, row: CloseoutRow): Promise<Record<string, unknown>> {
  const tx = ctx.db
  const s = await loadTenantSettings(tx)
  const t = await tx.query<Record<string, unknown>>(
    `select t.id, t.number, t.status, t.contact_id, c.display_name as contact_name, t.address_id, t.scheduled_start, t.scheduled_end,
            t.is_price_estimated, t.closed_at
     from tickets t join contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id where t.id = $1`,
    [row.ticket_id],
  )
  const ticketFields = t.rows[0]
  const invoice = row.invoice_id
    ? ((await tx.query('select id, number, status, total_cents, amount_due_cents, currency from invoices where id = $1', [row.invoice_id]))
        .rows[0] ?? null)
    : null
  const state = row.state
  return {
    // A close-out is known by its ticket's id.
    id: row.ticket_id,
    ticket_id: row.ticket_id,
    ticket: ticketFields,
    steps_done: STEPS.filter((step) => row.steps_done.includes(step)),
    next_step: nextStep(row.steps_done),
    work: {
      ...state.work,
      clocked_minutes: await clockedMinutes(tx, row.ticket_id, ctx.services.now()),
      totals: ticketTotals(state.work.line_items, s),
    },
    notes: state.notes ?? null,
    no_notes: state.no_notes ?? false,
    next_service: state.next_service ?? null,
    // The recurring series the ticket belongs to, with its next visit: the close-out offers to keep it.
    series: await seriesOfTicket(tx, row.ticket_id),
    extraction: state.extraction
      ? { status: state.extraction.status, message: state.extraction.message, attributes: state.extraction.attributes }
      : null,
    attributes: state.attributes ?? null,
    completed_at: row.completed_at,
    result: row.result,
    payment: row.finished_at
      ? { choice: row.payment_choice, skip_reason: row.skip_reason, note: row.payment_note, invoice, decided_at: row.finished_at }
      : null,
    started_by: row.started_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

/** The close-out as every close-out action answers it (closeoutView). */
export const CLOSEOUT_RECORD = z.object({
  id: z.uuid(),
  ticket_id: z.uuid(),
  ticket: z.object({
    id: z.uuid(),
    number: z.number().int(),
    status: z.enum(TICKET_STATUSES),
    contact_id: z.uuid(),
    contact_name: z.string(),
    address_id: z.uuid().nullable(),
    scheduled_start: timestamp,
    scheduled_end: timestamp,
    is_price_estimated: z.boolean(),
    closed_at: timestamp.nullable(),
  }),
  steps_done: z.array(z.enum(STEPS)),
  next_step: z.enum([...STEPS, 'done']),
  work: z.object({
    duration_minutes: z.number().int(),
    line_items: z.array(
      z.object({
        line_item_id: z.uuid().nullable(),
        service_id: z.uuid().nullable(),
        service_name: z.string().nullable(),
        pricing: z.enum(['fixed', 'flexible', 'per_unit', 'product']).nullable(),
        description: z.string(),
        quantity: z.number().int(),
        unit_price_cents: z.number().int(),
        price_cents: z.number().int(),
        price_editable: z.boolean(),
        duration_minutes: z.number().int().nullable(),
        taxable: z.boolean(),
      }),
    ),
    final_price_confirmed: z.boolean(),
    is_price_estimated: z.boolean(),
    clocked_minutes: z.number().int().nullable(),
    totals: TICKET_TOTALS,
  }),
  notes: z.string().nullable(),
  no_notes: z.boolean(),
  next_service: z
    .object({
      kind: z.enum(['schedule', 'none', 'reach_out', 'keep_series']),
      scheduled_start: z.string().optional(),
      duration_minutes: z.number().int().optional(),
      months: z.number().int().optional(),
    })
    .nullable(),
  series: z.object({ id: z.uuid(), status: z.enum(['active', 'paused', 'ended']), next_visit: BOOKED_VISIT.nullable() }).nullable(),
  extraction: z
    .object({
      status: z.enum(['pending', 'ok', 'failed', 'off', 'empty']),
      message: z.string(),
      attributes: z.array(z.object({ key: z.string(), value: z.string(), confidence: z.number() })),
    })
    .nullable(),
  attributes: z
    .array(
      z.object({
        key: z.string(),
        value: z.string(),
        origin: z.enum(['extracted', 'manual']),
        decision: z.enum(['keep', 'edit', 'drop']),
        confidence: z.number().optional(),
      }),
    )
    .nullable(),
  completed_at: timestamp.nullable(),
  result: z
    .object({
      note_id: z.uuid().nullable(),
      next_ticket: BOOKED_VISIT.nullable(),
      reach_out: z.object({ message_id: z.uuid(), send_at: timestamp, already_queued: z.boolean() }).nullable(),
      attributes: z.array(z.object({ id: z.uuid(), key: z.string(), value: z.unknown() })),
    })
    .nullable(),
  payment: z
    .object({
      choice: z.enum(['send_invoice', 'pay_now', 'skip']),
      skip_reason: z.enum(['paid_already', 'handled_separately', 'other']).nullable(),
      note: z.string().nullable(),
      invoice: z
        .object({
          id: z.uuid(),
          number: z.string(),
          status: z.enum(INVOICE_STATUSES),
          total_cents: z.number().int(),
          amount_due_cents: z.number().int(),
          currency: z.string(),
        })
        .nullable(),
      decided_at: timestamp,
    })
    .nullable(),
  started_by: z.uuid().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})
