import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { isoDate } from '../../kernel/schema-types.js'
import { localDate } from '../../vocabulary/time.js'
import { lockContact } from '../contacts/model.js'
import { loadTenantSettings } from '../settings/model.js'
import {
  assertNotPlans,
  auditFields,
  checkEndsOn,
  createdView,
  CYCLES,
  loadRow,
  RECURRING_INVOICE,
  type RecurringRow,
  readRecurring,
  recurringLineItems,
  sameJson,
  storedLines,
} from './model.js'
import { type SetStatus, setRecurringStatus } from './status.js'

/** Longest notes an invoice takes (invoice.create's). */
const notes = noteText(2000)

const dueDays = z
  .number()
  .int()
  .min(0)
  .max(90)
  .describe("Days from each period's first day to its invoice's due date, 0 to 90 (0: due on receipt)")

/** What an agent's call giving these lines waits for, every time. */
const OWNER_APPROVES = { fields: ['line_items'], why: 'sets what the customer is charged every cycle' } as const

/** The customer reads the notes on every invoice, and each line's words. */
const CUSTOMER_TEXT = { reviewed: ['notes'], screened: ['line_items.description'] } as const

/** Sets up an invoice that issues itself each month, quarter or year, without visits. */
export const createRecurringInvoice = defineAction({
  key: 'recurring_invoice.create',
  example: {
    contact_id: '00000000-0000-4000-8000-000000000001',
    line_items: [{ description: 'Storefront windows, inside and out, every week', unit_price_cents: 48_000 }],
    cycle: 'monthly',
    starts_on: '2026-12-01',
  },
  phrases: [
    'bill the office building every month',
    'a monthly contract without visits to invoice',
    'invoice them the same amount each quarter',
    'recurring invoice',
    'contract',
    'retainer',
    'subscription',
    'monthly billing',
    'repeat invoice',
    'standing invoice',
  ],
  title: 'Set up a recurring invoice',
  place: page('/recurring-invoices', 'fill in New recurring invoice'),
  words: { phrase: 'set up invoices that issue themselves every month, quarter or year' },
  description:
    'Set up an invoice that issues itself every cycle (monthly, quarterly or yearly) for a contact, without visits: e.g. a ' +
    'commercial window-cleaning contract. line_items as invoice.create takes them (the description and price are kept as ' +
    "they are now; tax follows the business's rate). starts_on (YYYY-MM-DD, today or later) is the first day of the first " +
    "period; later periods start on the same day of the month (the month's last day when it is shorter). On each period's " +
    'first day (business time) the invoice is made, each line naming its period ("— December 2026"), issued that day, due ' +
    "due_days later (default: the business's payment terms), marked for autopay (charged on its due date when the customer " +
    'has a saved card) and emailed. ends_on: no invoice for a period starting on or after it (then it ends). notes go on ' +
    'every invoice. The same call again answers the one it made. Its invoices are read with recurring_invoices.',
  access: { agent: 'requires_authorization', technician: 'none', ownerApproves: OWNER_APPROVES, customerText: CUSTOMER_TEXT },
  idempotent: true,
  input: z.strictObject({
    contact_id: z.uuid(),
    line_items: recurringLineItems,
    cycle: z.enum(CYCLES),
    starts_on: isoDate().describe('The first day of the first period, YYYY-MM-DD, today or later'),
    ends_on: isoDate().optional().describe('No invoice for a period starting on or after this day; left out: until ended'),
    due_days: dueDays.optional(),
    notes: notes.optional().describe('Shown on every invoice'),
  }),
  output: RECURRING_INVOICE,
  async run(ctx, input) {
    await lockContact(ctx.db, input.contact_id)
    const settings = await loadTenantSettings(ctx.db)
    const today = localDate(ctx.services.now(), settings.timezone)
    if (input.starts_on < today) {
      throw validationError([
        {
          field: 'data.starts_on',
          message: `must be today (${today}) or later; for work already done, make an invoice with invoice.create`,
        },
      ])
    }
    if (input.ends_on !== undefined && input.ends_on <= input.starts_on)
      throw validationError([{ field: 'data.ends_on', message: `must be after starts_on ${input.starts_on}` }])
    const lines = await storedLines(ctx.db, input.line_items, settings)
    const due = input.due_days ?? Math.min(90, Math.max(0, settings.invoice_terms_days))
    const values = [
      input.contact_id,
      JSON.stringify(lines),
      settings.currency,
      input.cycle,
      input.starts_on,
      input.ends_on ?? null,
      due,
      input.notes ?? null,
    ]
    // Asked again as it is: the one the first call made.
    const same = await ctx.db.query<{ id: string }>(
      `select id from recurring_invoices where contact_id = $1 and customer_plan_id is null and status <> 'ended'
         and line_items = $2::jsonb and currency = $3 and cycle = $4 and starts_on = $5 and ends_on is not distinct from $6::date
         and due_days = $7 and notes is not distinct from $8 order by created_at limit 1`,
      values,
    )
    if (same.rows[0]) return readRecurring(ctx.db, same.rows[0].id, settings)
    const made = await ctx.db.query<{ id: string }>(
      `insert into recurring_invoices (tenant_id, contact_id, line_items, currency, cycle, starts_on, ends_on, next_issue_on, due_days, notes)
       values (app_tenant(), $1, $2::jsonb, $3, $4, $5, $6, $5, $7, $8) returning id`,
      values,
    )
    const after = await readRecurring(ctx.db, made.rows[0].id, settings)
    await ctx.audit({ entityType: 'recurring_invoice', entityId: after.id, action: 'create', after: createdView(after) })
    return after
  },
})

/** Changes what a recurring invoice's next invoices hold; the invoices already issued stay as they are. */
export const updateRecurringInvoice = defineAction({
  key: 'recurring_invoice.update',
  example: { recurring_invoice_id: '00000000-0000-4000-8000-000000000001', due_days: 15 },
  phrases: ['change the monthly contract price', 'the contract ends in June', 'give them 30 days to pay the monthly invoice'],
  title: 'Change a recurring invoice',
  place: page('/recurring-invoices', 'open the recurring invoice, then Change'),
  words: { phrase: 'change what recurring invoices charge from the next period on' },
  description:
    'Change a recurring invoice from its next period on (invoices already issued never change): line_items (replaces all, as ' +
    'recurring_invoice.create takes them), ends_on (null: until ended; on or before the next period it ends now; it must be ' +
    'after the last period invoiced), due_days, notes (null clears). One that bills a service plan is changed through the ' +
    'plan (CONFLICT); an ended one is refused (set up a new one).',
  access: { agent: 'requires_authorization', technician: 'none', ownerApproves: OWNER_APPROVES, customerText: CUSTOMER_TEXT },
  idempotent: true,
  input: z.strictObject({
    recurring_invoice_id: z.uuid(),
    line_items: recurringLineItems.optional(),
    ends_on: isoDate().nullable().optional(),
    due_days: dueDays.optional(),
    notes: notes.nullable().optional(),
  }),
  output: RECURRING_INVOICE,
  async run(ctx, input) {
    const before = await loadRow(ctx.db, input.recurring_invoice_id, true)
    assertNotPlans(before)
    if (before.status === 'ended')
      throw new AppError('CONFLICT', 'This recurring invoice has ended: set up a new one (recurring_invoice.create) to bill again', {
        field: 'data.recurring_invoice_id',
        status: before.status,
      })
    const settings = await loadTenantSettings(ctx.db)
    const next: RecurringRow = {
      ...before,
      line_items: input.line_items ? await storedLines(ctx.db, input.line_items, settings) : before.line_items,
      ends_on: input.ends_on === undefined ? before.ends_on : input.ends_on,
      due_days: input.due_days ?? before.due_days,
      notes: input.notes === undefined ? before.notes : input.notes,
    }
    checkEndsOn(next)
    if (next.ends_on && next.ends_on <= next.next_issue_on) next.status = 'ended'
    if (sameJson(auditFields(next), auditFields(before))) return readRecurring(ctx.db, before.id, settings)
    await ctx.db.query(
      `update recurring_invoices set line_items = $2::jsonb, ends_on = $3, due_days = $4, notes = $5, status = $6 where id = $1`,
      [before.id, JSON.stringify(next.line_items), next.ends_on, next.due_days, next.notes, next.status],
    )
    await ctx.audit({
      entityType: 'recurring_invoice',
      entityId: before.id,
      action: 'update',
      before: auditFields(before),
      after: auditFields(next),
    })
    return readRecurring(ctx.db, before.id, settings)
  },
})

/** The status actions: their words, and the status each puts a recurring invoice in. */
const STATUS_ACTIONS: Record<
  'pause' | 'resume' | 'end',
  { to: SetStatus; title: string; button: string; phrases: string[]; phrase: string; description: string }
> = {
  pause: {
    to: 'paused',
    title: 'Pause a recurring invoice',
    button: 'Pause',
    phrases: ['stop the monthly invoice for a while', 'hold the contract billing'],
    phrase: 'pause recurring invoices',
    description:
      'Pause a recurring invoice: no invoice is made while it is paused (recurring_invoice.resume starts it again). ' +
      'Paused already, nothing changes. One that bills a service plan is paused through the plan (CONFLICT).',
  },
  resume: {
    to: 'active',
    title: 'Resume a recurring invoice',
    button: 'Resume',
    phrases: ['start billing the contract again', 'resume the monthly invoice'],
    phrase: 'resume paused recurring invoices',
    description:
      'Resume a paused recurring invoice: periods that began while it was paused are not invoiced; the next invoice is for the ' +
      'first period starting today or later. Active already, nothing changes; ended, or with no period left before ends_on, it ' +
      'is refused (CONFLICT). One that bills a service plan is resumed through the plan (CONFLICT).',
  },
  end: {
    to: 'ended',
    title: 'End a recurring invoice',
    button: 'End',
    phrases: ['the contract is over', 'stop the recurring invoice for good'],
    phrase: 'end recurring invoices',
    description:
      'End a recurring invoice for good: no more invoices (those issued stay as they are). Ended already, nothing changes. One ' +
      'that bills a service plan is ended through the plan (CONFLICT).',
  },
}

/** An action putting a recurring invoice in one status. */
function statusAction(name: keyof typeof STATUS_ACTIONS) {
  const words = STATUS_ACTIONS[name]
  return defineAction({
    key: `recurring_invoice.${name}`,
    example: { recurring_invoice_id: '00000000-0000-4000-8000-000000000001' },
    phrases: words.phrases,
    title: words.title,
    place: page('/recurring-invoices', `open the recurring invoice, then ${words.button}`),
    words: { phrase: words.phrase },
    description: words.description,
    access: { agent: 'requires_authorization', technician: 'none' },
    destructive: name === 'end',
    idempotent: true,
    input: z.strictObject({ recurring_invoice_id: z.uuid() }),
    output: RECURRING_INVOICE,
    async run(ctx, input) {
      return changeStatus(ctx, input.recurring_invoice_id, words.to)
    },
  })
}

/** Puts a recurring invoice that bills no plan in a status, and answers it. */
async function changeStatus(ctx: OperationContext, id: string, to: SetStatus) {
  const before = await loadRow(ctx.db, id, true)
  assertNotPlans(before)
  const settings = await loadTenantSettings(ctx.db)
  await setRecurringStatus(ctx, settings, before, to)
  return readRecurring(ctx.db, id, settings)
}

/** Stops a recurring invoice issuing until it is resumed. */
export const pauseRecurringInvoice = statusAction('pause')

/** Starts a paused recurring invoice issuing again, from the next period that starts today or later. */
export const resumeRecurringInvoice = statusAction('resume')

/** Ends a recurring invoice for good. */
export const endRecurringInvoice = statusAction('end')
