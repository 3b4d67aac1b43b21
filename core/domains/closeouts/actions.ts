import { z } from 'zod'
import { personIdOf, type OperationContext } from '../../kernel/context.js'
import { AppError, validationError, type FieldIssue } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { ATTRIBUTE_KEY } from '../attributes/model.js'
import { issueInvoice } from '../invoices/send-actions.js'
import { continuingSeriesOf } from '../series/model.js'
import { loadTenantSettings } from '../settings/model.js'
import { assertNoDoubleBooking } from '../tickets/booking.js'
import { closeTicketWith } from '../tickets/close.js'
import { closeTicketInput, nextServiceInput } from '../tickets/close-input.js'
import { closeLineInput, confirmLines } from '../tickets/close-lines.js'
import { assertActive, clockedMinutes, instantOf, lockTicket, techniciansOf } from '../tickets/model.js'
import { checkVisitDay, earlyInput } from '../tickets/visit-day.js'
import {
  assertStepOpen,
  CLOSEOUT_RECORD,
  type CloseoutRow,
  type CloseoutState,
  closeoutView,
  loadCloseout,
  saveCloseout,
  stepsAfterSaving,
} from './model.js'
import { visitFor } from '../../vocabulary/places.js'
import { readCloseoutNotes } from './extraction.js'

/** What every close-out action shares: people only, never agents (an agent closes with ticket.close). */
const PEOPLE_ONLY = { access: { agent: 'never', technician: 'assigned' } } as const

const ticketId = z.uuid().describe('The ticket being closed out')

/** Begins (or resumes) a technician's close-out of a ticket: the answers start from the ticket as booked. */
export const startCloseout = defineAction({
  ...PEOPLE_ONLY,
  key: 'closeout.start',
  title: 'Start a close-out',
  place: visitFor('Close out'),
  description:
    'Start the close-out of a ticket, or return the one in progress. The work starts as booked: its line items and the ' +
    "time between the first clock-in and the last clock-out (else the booked length). A close-out starts on the visit's day in the " +
    'business time zone: before it, a CONFLICT says from when; only an owner may start sooner, with early true (audited).',
  idempotent: true,
  input: z.strictObject({ ticket_id: ticketId, early: earlyInput }),
  output: CLOSEOUT_RECORD,
  async run(ctx, input) {
    const existing = await ctx.db.query('select 1 from closeouts where ticket_id = $1', [input.ticket_id])
    if (!existing.rows[0]) {
      const ticket = await lockTicket(ctx.db, input.ticket_id)
      assertActive(ticket, 'be closed out')
      const settings = await loadTenantSettings(ctx.db)
      const startedEarly = checkVisitDay(ctx, ticket, ctx.services.now(), settings.timezone, { doing: 'close-out', early: input.early })
      const lineRows = await ctx.db.query<{ id: string }>(
        'select id from ticket_line_items where ticket_id = $1 order by position, created_at, id',
        [ticket.id],
      )
      const lines = await confirmLines(
        ctx.db,
        ticket.id,
        lineRows.rows.map((l) => ({ line_item_id: l.id })),
        'data.line_items',
      )
      const booked = Math.round((new Date(ticket.scheduled_end).getTime() - new Date(ticket.scheduled_start).getTime()) / 60_000)
      const state: CloseoutState = {
        work: {
          duration_minutes: (await clockedMinutes(ctx.db, ticket.id, ctx.services.now())) ?? booked,
          line_items: lines,
          final_price_confirmed: false,
          is_price_estimated: Boolean(ticket.is_price_estimated),
        },
      }
      await ctx.db.query(
        `insert into closeouts (tenant_id, ticket_id, started_by, state) values ($1, $2, $3, $4)
        on conflict (tenant_id, ticket_id) do nothing`,
        [ctx.tenantId, ticket.id, personIdOf(ctx.actor), JSON.stringify(state)],
      )
      await ctx.audit({
        entityType: 'ticket',
        entityId: ticket.id,
        action: 'closeout_start',
        before: null,
        after: { steps_done: [], ...startedEarly },
      })
    }
    return closeoutView(ctx, await loadCloseout(ctx.db, input.ticket_id))
  },
})

/** Step 1: the time spent, the services done and their prices. */
export const saveCloseoutWork = defineAction({
  ...PEOPLE_ONLY,
  key: 'closeout.save_work',
  title: 'Close-out: the work done',
  place: visitFor('Close out: Work'),
  description:
    'Close-out step 1: duration_minutes, the line items as done (existing ones by line_item_id, new ones priced like ' +
    'ticket.add_line_item; lines left out are removed) and, for an estimated ticket, final_price_confirmed. confirm false only ' +
    'updates the list (e.g. after adding a service); confirm true completes the step. Nothing on the ticket changes until completion.',
  input: z.strictObject({
    ticket_id: ticketId,
    duration_minutes: z.number().int().min(0).max(1440),
    line_items: z.array(closeLineInput).max(50),
    final_price_confirmed: z.boolean().default(false),
    confirm: z.boolean().default(true),
  }),
  output: CLOSEOUT_RECORD,
  async run(ctx, input) {
    const row = await openStep(ctx, input.ticket_id, 'work')
    const lines = await confirmLines(ctx.db, input.ticket_id, input.line_items, 'data.line_items')
    const work = {
      ...row.state.work,
      duration_minutes: input.duration_minutes,
      line_items: lines,
      final_price_confirmed: input.final_price_confirmed,
    }
    if (input.confirm) {
      const issues: FieldIssue[] = []
      if (!lines.length) issues.push({ field: 'data.line_items', message: 'must list at least one service or item done' })
      if (work.is_price_estimated && !input.final_price_confirmed) {
        issues.push({ field: 'data.final_price_confirmed', message: 'must be checked: this ticket was booked with an estimated price' })
      }
      if (issues.length) throw validationError(issues)
    }
    return save(ctx, row, { ...row.state, work }, stepsAfterSaving(row.steps_done, 'work', input.confirm))
  },
})

/** Step 2: what the technician saw, in their words. */
export const saveCloseoutNotes = defineAction({
  ...PEOPLE_ONLY,
  key: 'closeout.save_notes',
  title: 'Close-out: notes',
  place: visitFor('Close out: Notes'),
  description:
    'Close-out step 2: free-text notes (card numbers and SSNs are redacted). Empty notes need no_notes true, a conscious skip. ' +
    'The answer says extraction pending; the configured model then reads the notes and its facts (or why there are none) ' +
    'appear on the close-out in the closeouts data type within seconds. ' +
    'page_redactions: what the page already redacted before sending, recorded as security events.',
  input: z.strictObject({
    ticket_id: ticketId,
    notes: noteText(5000, { allowEmpty: true }),
    no_notes: z.boolean().default(false),
    page_redactions: z
      .strictObject({ card: z.number().int().min(0).max(100).default(0), ssn: z.number().int().min(0).max(100).default(0) })
      .optional(),
  }),
  output: CLOSEOUT_RECORD,
  async run(ctx, input) {
    const row = await openStep(ctx, input.ticket_id, 'notes')
    if (!input.notes && !input.no_notes) {
      throw validationError([{ field: 'data.notes', message: 'is empty: write what you saw, or tick "No notes" to skip on purpose' }])
    }
    for (const [kind, count] of Object.entries(input.page_redactions ?? {})) {
      if (!count) continue
      await ctx.db.query(
        `insert into security_events (tenant_id, kind, layer, entity_type, entity_id, field, detail, actor_type, actor_id, request_id)
        values ($1, $2, 'page', 'closeout', $3, 'notes', $4, $5, $6, $7)`,
        [ctx.tenantId, kind, input.ticket_id, JSON.stringify({ count }), ctx.actor.type, ctx.actor.id, ctx.requestId],
      )
    }
    const state: CloseoutState = { ...row.state, notes: input.notes, no_notes: !input.notes }
    if (!input.notes)
      state.extraction = {
        status: 'empty',
        message: 'No notes to read; add facts by hand if there are any.',
        for_notes: '',
        attributes: [],
      }
    else if (state.extraction?.for_notes !== input.notes || state.extraction.status === 'pending') {
      state.extraction = { status: 'pending', message: 'Reading the notes…', for_notes: input.notes, attributes: [] }
    }
    return save(ctx, row, state, stepsAfterSaving(row.steps_done, 'notes'))
  },
  // The model reads the notes after the commit, whoever saved them; the answer says "pending" until it has.
  async background(call, input) {
    await readCloseoutNotes(call, input.ticket_id)
  },
})

/** Records what the model read from the notes (save_notes's background step calls it once the model answers, outside the transaction). */
export const recordCloseoutExtraction = defineAction({
  ...PEOPLE_ONLY,
  key: 'closeout.record_extraction',
  title: 'Close-out: what the notes say',
  place: visitFor('Close out: Notes'),
  description: 'Store the facts read from the close-out notes, or why there are none. Ignored when the notes changed since.',
  input: z.strictObject({
    ticket_id: ticketId,
    for_notes: z.string().max(5000),
    status: z.enum(['ok', 'failed', 'off', 'empty']),
    message: z.string().max(500),
    attributes: z
      .array(
        z.strictObject({
          key: z.string().regex(ATTRIBUTE_KEY),
          value: noteText(500),
          confidence: z.number().min(0).max(1),
        }),
      )
      .max(40)
      .default([]),
  }),
  output: CLOSEOUT_RECORD,
  async run(ctx, input) {
    const row = await loadCloseout(ctx.db, input.ticket_id, true)
    if (row.completed_at || row.state.extraction?.for_notes !== input.for_notes) return closeoutView(ctx, row)
    const state: CloseoutState = {
      ...row.state,
      extraction: { status: input.status, message: input.message, for_notes: input.for_notes, attributes: input.attributes },
    }
    return save(ctx, row, state, row.steps_done)
  },
})

/** Step 3: book the next visit now, no follow-up, or reach out in some months. */
export const saveCloseoutNext = defineAction({
  ...PEOPLE_ONLY,
  key: 'closeout.save_next',
  title: 'Close-out: the next visit',
  place: visitFor('Close out: Next visit'),
  description:
    'Close-out step 3: next_service, one of schedule (a time; the technicians must be free), none, reach_out in N months, ' +
    'or keep_series (a ticket of a recurring series: its next visit is already booked, nothing more is). ' +
    'Nothing is booked or scheduled until completion.',
  input: z.strictObject({ ticket_id: ticketId, next_service: nextServiceInput }),
  output: CLOSEOUT_RECORD,
  async run(ctx, input) {
    const row = await openStep(ctx, input.ticket_id, 'next')
    const next = input.next_service
    if (next.kind === 'keep_series') await continuingSeriesOf(ctx.db, input.ticket_id, 'data.next_service.kind')
    if (next.kind === 'schedule') {
      const settings = await loadTenantSettings(ctx.db)
      const start = instantOf(next.scheduled_start, settings.timezone)
      if (start <= ctx.services.now()) {
        throw validationError([
          { field: 'data.next_service.scheduled_start', message: `must be in the future (now is ${ctx.services.now().toISOString()})` },
        ])
      }
      const t = await ctx.db.query<{ scheduled_start: Date; scheduled_end: Date }>(
        'select scheduled_start, scheduled_end from tickets where id = $1',
        [input.ticket_id],
      )
      const minutes = next.duration_minutes ?? (t.rows[0].scheduled_end.getTime() - t.rows[0].scheduled_start.getTime()) / 60_000
      const techs = (await techniciansOf(ctx.db, [input.ticket_id])).get(input.ticket_id) ?? []
      await assertNoDoubleBooking(ctx.db, {
        technicianIds: techs.map((x) => String(x.user_id)),
        start,
        end: new Date(start.getTime() + minutes * 60_000),
        exceptTicketId: input.ticket_id,
        timeZone: settings.timezone,
      })
    }
    return save(ctx, row, { ...row.state, next_service: next }, stepsAfterSaving(row.steps_done, 'next'))
  },
})

/** Step 4: each fact read from the notes kept, edited or dropped, plus facts added by hand. */
export const saveCloseoutAttributes = defineAction({
  ...PEOPLE_ONLY,
  key: 'closeout.save_attributes',
  title: 'Close-out: confirm the facts',
  place: visitFor('Close out: Confirm'),
  description:
    'Close-out step 4, the confirmation: a decision (keep, edit or drop) for every fact read from the notes, and facts ' +
    'added by hand (origin manual). Kept and edited facts go onto the customer at completion.',
  input: z.strictObject({
    ticket_id: ticketId,
    attributes: z
      .array(
        z.strictObject({
          key: z.string().trim().regex(ATTRIBUTE_KEY, 'expected snake_case starting with a letter, e.g. pet_name'),
          value: noteText(500, { allowEmpty: true }),
          origin: z.enum(['extracted', 'manual']),
          decision: z.enum(['keep', 'edit', 'drop']),
        }),
      )
      .max(40),
  }),
  output: CLOSEOUT_RECORD,
  async run(ctx, input) {
    const row = await openStep(ctx, input.ticket_id, 'confirm')
    const extraction = row.state.extraction
    if (extraction?.status === 'pending') {
      throw new AppError('CONFLICT', 'The notes are still being read; reload the confirmation in a moment', {
        ticket_id: input.ticket_id,
        retryable: true,
      })
    }
    const issues: FieldIssue[] = []
    for (const found of extraction?.attributes ?? []) {
      if (!input.attributes.some((a) => a.origin === 'extracted' && a.key === found.key)) {
        issues.push({ field: 'data.attributes', message: `${found.key}: choose keep, edit or drop` })
      }
    }
    const kept = new Set<string>()
    input.attributes.forEach((a, i) => {
      if (a.decision === 'drop') return
      if (!a.value) issues.push({ field: `data.attributes.${i}.value`, message: `${a.key}: a kept fact needs a value (or drop it)` })
      if (kept.has(a.key)) issues.push({ field: `data.attributes.${i}.key`, message: `${a.key} is kept twice` })
      kept.add(a.key)
    })
    if (issues.length) throw validationError(issues)
    const decisions = input.attributes.map((a) => ({
      ...a,
      confidence: a.origin === 'extracted' ? extraction?.attributes.find((x) => x.key === a.key)?.confidence : undefined,
    }))
    return save(ctx, row, { ...row.state, attributes: decisions }, stepsAfterSaving(row.steps_done, 'confirm'))
  },
})

/** Step 5: the ticket closes with everything confirmed; asked again, it answers the same and closes nothing. */
export const completeCloseout = defineAction({
  ...PEOPLE_ONLY,
  key: 'closeout.complete',
  title: 'Complete a close-out',
  place: visitFor('Close out: Confirm'),
  description:
    'Close-out step 5: complete the ticket with the confirmed answers (as ticket.close). The ticket never changes again. ' +
    'Calling it again returns the same result.',
  input: z.strictObject({ ticket_id: ticketId }),
  output: CLOSEOUT_RECORD,
  async run(ctx, input) {
    const row = await loadCloseout(ctx.db, input.ticket_id, true)
    if (row.completed_at) return closeoutView(ctx, row)
    assertStepOpen(row, 'complete')
    const s = row.state
    const payload = closeTicketInput.parse({
      ticket_id: input.ticket_id,
      duration_minutes: s.work.duration_minutes,
      line_items: s.work.line_items.map((l) => ({
        ...(l.line_item_id ? { line_item_id: l.line_item_id } : l.service_id ? { service_id: l.service_id } : {}),
        description: l.description,
        quantity: l.quantity,
        ...(l.price_editable ? { unit_price_cents: l.unit_price_cents } : {}),
        ...(l.duration_minutes === null ? {} : { duration_minutes: l.duration_minutes }),
        taxable: l.taxable,
      })),
      final_price_confirmed: s.work.final_price_confirmed,
      notes: s.notes ?? '',
      next_service: s.next_service,
      attributes: (s.attributes ?? [])
        .filter((a) => a.decision !== 'drop')
        .map((a) => ({ key: a.key, value: a.value, ...(a.confidence === undefined ? {} : { confidence: a.confidence }) })),
    })
    // The visit's day was checked when this close-out was started (or an owner started it early).
    const result = await closeTicketWith(ctx, payload, true)
    const summary = { note_id: result.note_id, next_ticket: result.next_ticket, reach_out: result.reach_out, attributes: result.attributes }
    await ctx.db.query('update closeouts set completed_at = $2, result = $3, steps_done = $4 where ticket_id = $1', [
      input.ticket_id,
      ctx.services.now(),
      JSON.stringify(summary),
      [...row.steps_done, 'complete'],
    ])
    return closeoutView(ctx, await loadCloseout(ctx.db, input.ticket_id))
  },
})

/** Step 6: how the customer pays: an emailed invoice, paying now by link, or a skip with its reason. */
export const finishCloseout = defineAction({
  ...PEOPLE_ONLY,
  key: 'closeout.finish',
  title: 'Close-out: payment',
  place: visitFor('Close out: Payment'),
  description:
    "Close-out step 6, payment: send_invoice (creates the ticket's invoice if it has none and emails it), pay_now (creates " +
    'the invoice for paying on the spot by link) or skip with skip_reason (paid_already, handled_separately, other) and an optional note. ' +
    'Decided once: calling it again returns the first decision.',
  input: z.strictObject({
    ticket_id: ticketId,
    payment: z.enum(['send_invoice', 'pay_now', 'skip']),
    skip_reason: z.enum(['paid_already', 'handled_separately', 'other']).optional(),
    note: noteText(500).optional(),
  }),
  output: CLOSEOUT_RECORD,
  async run(ctx, input) {
    const row = await loadCloseout(ctx.db, input.ticket_id, true)
    if (row.finished_at) return closeoutView(ctx, row)
    assertStepOpen(row, 'payment')
    if (input.payment === 'skip' && !input.skip_reason) {
      throw validationError([
        { field: 'data.skip_reason', message: 'is required to skip payment: paid_already, handled_separately or other' },
      ])
    }
    if (input.payment === 'skip' && input.skip_reason === 'other' && !input.note) {
      throw validationError([{ field: 'data.note', message: 'is required when the reason is other: say how the customer pays' }])
    }
    const invoiceId =
      input.payment === 'skip'
        ? null
        : String((await issueInvoice(ctx, { ticket_id: input.ticket_id }, { email: input.payment === 'send_invoice' })).invoice.id)
    await ctx.db.query(
      `update closeouts set payment_choice = $2, skip_reason = $3, payment_note = $4, invoice_id = $5, finished_at = $6,
        steps_done = array_append(steps_done, 'payment') where ticket_id = $1`,
      [
        input.ticket_id,
        input.payment,
        input.payment === 'skip' ? input.skip_reason : null,
        input.note ?? null,
        invoiceId,
        ctx.services.now(),
      ],
    )
    await ctx.audit({
      entityType: 'ticket',
      entityId: input.ticket_id,
      action: 'closeout_payment',
      before: null,
      after: { payment: input.payment, skip_reason: input.skip_reason ?? null, note: input.note ?? null, invoice_id: invoiceId },
    })
    return closeoutView(ctx, await loadCloseout(ctx.db, input.ticket_id))
  },
})

/** The close-out locked, with the step checked: in order, and not after completion. */
async function openStep(ctx: OperationContext, ticketId: string, step: Parameters<typeof assertStepOpen>[1]): Promise<CloseoutRow> {
  const row = await loadCloseout(ctx.db, ticketId, true)
  assertStepOpen(row, step)
  return row
}

async function save(
  ctx: OperationContext,
  row: CloseoutRow,
  state: CloseoutState,
  steps: CloseoutRow['steps_done'],
): Promise<Record<string, unknown>> {
  await saveCloseout(ctx.db, row.ticket_id, state, steps)
  return closeoutView(ctx, await loadCloseout(ctx.db, row.ticket_id))
}
