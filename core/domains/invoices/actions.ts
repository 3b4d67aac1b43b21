import { z } from 'zod'
import { refreshContactLifecycles } from '../contacts/lifecycle.js'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { paymentOwnerSees } from './payment-holds.js'
import { loadTenantSettings } from '../settings/model.js'
import { paidElsewhereName } from '../tickets/model.js'
import { localDate } from '../../vocabulary/time.js'
import {
  amountSetterOf,
  applyPayment,
  reloadAudited,
  insertInvoice,
  INVOICE_PAYMENT_RECORD,
  INVOICE_RECORD,
  invoiceConflict,
  loadInvoice,
  resolveLines,
  todayOf,
  writeLines,
} from './model.js'
import { setClause } from '../../kernel/sql.js'
import { PAYMENT_FACTS, previewPayment, previewVoid, VOID_FACTS } from './previews.js'
import { isoDate, isoInstant } from '../../kernel/schema-types.js'
import { BY_AGENT_OR_API, invoice, page, visit } from '../../vocabulary/places.js'

const lineItem = z.strictObject({
  service_id: z.uuid().optional().describe('A catalog service; description and unit price default to its name and price'),
  description: z.string().trim().min(1).max(500).optional().describe('Required without service_id'),
  quantity: z.number().int().min(1).max(100_000).default(1),
  unit_price_cents: z
    .number()
    .int()
    .min(0)
    .max(100_000_000)
    .optional()
    .describe('Price of one unit in cents; required without a priced service'),
  taxable: z.boolean().optional().describe("Default: the service's taxable flag, else true"),
  tax_rate_bp: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .optional()
    .describe("Tax rate in basis points (825 = 8.25 %); default: the business's rate when taxable, else 0"),
})
const lineItems = z.array(lineItem).min(1).max(100)
const date = isoDate()
const text = (max: number) => z.string().trim().min(1).max(max)

const TAX_RULE =
  'Tax is computed per line: price (quantity * unit_price_cents) * tax_rate_bp / 10000, rounded half up to a cent; ' +
  'subtotal = sum of prices, tax = sum of line taxes, total = subtotal + tax. '

const headFields = {
  issued_on: date.optional().describe("YYYY-MM-DD; default: today in the business time zone. Its year is the number's year"),
  due_on: date.optional().describe("YYYY-MM-DD; default: issued_on plus the business's payment terms"),
  terms: text(200).optional().describe('Default: "Net N" from the dates, or "Due on receipt"'),
  notes: noteText(2000).optional().describe('Shown on the invoice'),
}

/** Invoices a ticket's work: once, or again after its invoice was voided. */
export const createInvoiceFromTicket = defineAction({
  key: 'invoice.create_from_ticket',
  phrases: ['make an invoice for a visit', 'bill a job that was done', 'bill', 'bill a job', 'invoice appointment'],
  title: 'Invoice a visit',
  place: visit('Invoice'),
  words: { phrase: 'make an invoice from an appointment' },
  description:
    "Create a draft invoice for a ticket (appointment): its contact, and a copy of its line items; taxable lines get the business's " +
    'default tax rate. A ticket has one invoice at a time: a second is a CONFLICT naming the first, unless that one is void. A cancelled ticket, ' +
    'a past visit imported as paid elsewhere (paid_elsewhere) or one without line items is refused. Numbered PREFIX-YYYY-NNNN. ' +
    TAX_RULE,
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['notes'] } },
  input: z.strictObject({ ticket_id: z.uuid(), ...headFields }),
  output: INVOICE_RECORD,
  async run(ctx, input) {
    const ticket = (
      await ctx.db.query<{
        id: string
        contact_id: string
        status: string
        number: number
        order_number: string | null
        paid_elsewhere: string | null
        closed_at: Date | null
      }>(
        `select t.id, t.contact_id, t.status, t.number, t.paid_elsewhere, t.closed_at, (select o.number from orders o where o.id = t.order_id) as order_number
       from tickets t where t.id = $1 for update of t`,
        [input.ticket_id],
      )
    ).rows[0]
    if (!ticket) throw notFound('ticket', input.ticket_id)
    if (ticket.paid_elsewhere) {
      const { timezone } = await loadTenantSettings(ctx.db)
      // An imported visit is closed at its transaction's moment: the day it was paid.
      const paidOn = localDate(ticket.closed_at as Date, timezone)
      throw new AppError(
        'CONFLICT',
        `Ticket ${ticket.number} was paid in ${paidElsewhereName(ticket.paid_elsewhere)} on ${paidOn}: it is a past visit imported from ` +
          `${paidElsewhereName(ticket.paid_elsewhere)}, where it was billed and paid, and is not invoiced again here ` +
          '(for other work, create a standalone invoice with invoice.create)',
        { ticket_id: ticket.id, paid_elsewhere: ticket.paid_elsewhere, paid_on: paidOn },
      )
    }
    if (ticket.order_number) {
      throw new AppError(
        'CONFLICT',
        `Ticket ${ticket.number} is a visit of order ${ticket.order_number}, which is billed as a whole with order.invoice`,
        { ticket_id: ticket.id, order_number: ticket.order_number },
      )
    }
    const existing = (
      await ctx.db.query<{ id: string; number: string }>("select id, number from invoices where ticket_id = $1 and status <> 'void'", [
        ticket.id,
      ])
    ).rows[0]
    if (existing) {
      throw new AppError(
        'CONFLICT',
        `Ticket ${ticket.number} already has invoice ${existing.number} (${existing.id}); a ticket has one invoice`,
        { invoice_id: existing.id, number: existing.number },
      )
    }
    if (ticket.status === 'cancelled') {
      throw new AppError(
        'CONFLICT',
        `Ticket ${ticket.number} is cancelled; for a cancellation fee create a standalone invoice with invoice.create`,
        { ticket_id: ticket.id, status: ticket.status },
      )
    }
    const r = await ctx.db.query<{
      service_id: string | null
      description: string
      quantity: number
      unit_price_cents: number
      taxable: boolean
    }>(
      `select service_id, description, quantity, unit_price_cents, taxable from ticket_line_items where ticket_id = $1 order by position, created_at, id`,
      [ticket.id],
    )
    if (!r.rows.length)
      throw validationError([{ field: 'data.ticket_id', message: `ticket ${ticket.number} has no line items to invoice` }])
    const settings = await loadTenantSettings(ctx.db)
    const lines = r.rows.map((l) => ({
      service_id: l.service_id,
      description: l.description,
      quantity: l.quantity,
      unit_price_cents: l.unit_price_cents,
      tax_rate_bp: l.taxable ? settings.default_tax_rate_bp : 0,
    }))
    const { ticket_id, ...head } = input
    return insertInvoice(ctx, settings, { ...head, contact_id: ticket.contact_id, ticket_id }, lines)
  },
})

/** Invoices work that has no ticket. */
export const createInvoice = defineAction({
  key: 'invoice.create',
  title: 'Make an invoice',
  place: page('/invoices/new', 'fill in New invoice'),
  words: { phrase: 'make an invoice' },
  description:
    'Create a standalone draft invoice for a contact with line items (for a ticket use invoice.create_from_ticket). ' +
    'Numbered PREFIX-YYYY-NNNN. ' +
    TAX_RULE,
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['notes'], screened: ['line_items.description'] } },
  phrases: ['bill', 'new invoice'],
  input: z.strictObject({ contact_id: z.uuid(), line_items: lineItems, ...headFields }),
  output: INVOICE_RECORD,
  async run(ctx, input) {
    if (!(await ctx.db.query('select 1 from contacts where id = $1', [input.contact_id])).rows.length)
      throw notFound('contact', input.contact_id)
    const settings = await loadTenantSettings(ctx.db)
    const lines = await resolveLines(ctx.db, input.line_items, settings.default_tax_rate_bp)
    const { line_items, ...head } = input
    return insertInvoice(ctx, settings, { ...head, ticket_id: null }, lines)
  },
})

/** Edits a draft invoice. */
export const updateInvoice = defineAction({
  key: 'invoice.update',
  phrases: ['change the due date of an invoice', 'edit the lines of a draft invoice'],
  title: 'Change a draft invoice',
  place: BY_AGENT_OR_API,
  words: { phrase: 'change an invoice' },
  description:
    'Change a draft invoice: line_items (replaces all lines; totals recomputed), due_on, terms, notes (null clears terms or notes). ' +
    'Only drafts change: once sent, paid or void an invoice is a record (CONFLICT).',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['notes'], screened: ['line_items.description'] } },
  idempotent: true,
  input: z.strictObject({
    invoice_id: z.uuid(),
    line_items: lineItems.optional(),
    due_on: date.optional(),
    terms: text(200).nullable().optional(),
    notes: noteText(2000).nullable().optional(),
  }),
  output: INVOICE_RECORD,
  async run(ctx, input) {
    const settings = await loadTenantSettings(ctx.db)
    const today = todayOf(ctx, settings)
    const before = await loadInvoice(ctx.db, input.invoice_id, today, true)
    if (before.status !== 'draft' || before.archived_at) throw invoiceConflict(before, 'only a draft invoice can be changed')
    if (input.due_on !== undefined && input.due_on < String(before.issued_on)) {
      throw validationError([{ field: 'data.due_on', message: `must be on or after issued_on ${before.issued_on}` }])
    }
    if (input.line_items) {
      await writeLines(ctx.db, ctx.tenantId, input.invoice_id, await resolveLines(ctx.db, input.line_items, settings.default_tax_rate_bp))
    }
    const { sets, values } = setClause({
      due_on: input.due_on,
      terms: input.terms,
      notes: input.notes,
      ...(input.line_items ? { amount_set_by: amountSetterOf(ctx) } : {}),
    })
    if (sets.length) {
      values.push(input.invoice_id)
      await ctx.db.query(`update invoices set ${sets.join(', ')} where id = $${values.length}`, values)
    }
    const after = await reloadAudited(ctx, before, 'update', today)
    return after
  },
})

/** Records money received outside the online checkout. */
export const recordPayment = defineAction({
  key: 'invoice.record_payment',
  example: { invoice_id: 'INV-2026-0003', amount_cents: 15000, method: 'check' },
  phrases: [
    'the customer paid by check',
    'paid in cash',
    'mark an invoice paid',
    'record money received',
    'paid',
    'cash',
    'check',
    'payment received',
  ],
  title: 'Record a payment (cash, check)',
  place: invoice('/invoices?status=open', 'Record a payment'),
  words: { phrase: 'record a payment' },
  description:
    'Record a payment received by hand (cash, check, other) on an invoice: amount_cents > 0 and at most the amount due, ' +
    'unless accept_credit is true: then money received beyond the amount due (even on a paid invoice) is recorded too and shows as ' +
    'credit_cents, to be refunded. The invoice becomes paid when nothing is left due, else partially_paid. reference: e.g. the ' +
    'check number. A void invoice takes no payments (CONFLICT). Returns the invoice and the payment.',
  access: { agent: 'soft_limit', technician: 'none', ownerSees: paymentOwnerSees },
  input: z.strictObject({
    invoice_id: z.uuid(),
    amount_cents: z.number().int().min(1).max(2_147_483_647),
    method: z.enum(['cash', 'check', 'other']),
    reference: text(200).optional(),
    received_at: isoInstant().optional().describe('When the money was received; default now'),
    accept_credit: z
      .boolean()
      .default(false)
      .describe('true: the customer really paid more than is due; the excess is recorded as a credit to refund'),
  }),
  preview: previewPayment,
  facts: PAYMENT_FACTS,
  output: z.object({ invoice: INVOICE_RECORD, payment: INVOICE_PAYMENT_RECORD.extend({ invoice_id: z.uuid() }) }),
  async run(ctx, input) {
    const settings = await loadTenantSettings(ctx.db)
    const today = todayOf(ctx, settings)
    const before = await loadInvoice(ctx.db, input.invoice_id, today, true)
    if (before.status === 'void' || before.archived_at) throw invoiceConflict(before, 'it takes no payments')
    const due = Number(before.amount_due_cents)
    // A typed amount beyond what is due is more often a slip than money received, so it takes a deliberate accept_credit.
    if (!input.accept_credit && due === 0)
      throw invoiceConflict(before, 'nothing is due; if the customer paid again, record it with accept_credit true')
    if (!input.accept_credit && input.amount_cents > due) {
      throw validationError([
        {
          field: 'data.amount_cents',
          message:
            `is more than the amount due on invoice ${before.number}, ${due} cents; ` +
            `record at most ${due}, or set accept_credit true to record all ${input.amount_cents} and keep ${input.amount_cents - due} as credit to refund`,
        },
      ])
    }
    return applyPayment(
      ctx,
      before,
      {
        amount_cents: input.amount_cents,
        method: input.method,
        reference: input.reference ?? null,
        received_at: input.received_at ?? ctx.services.now().toISOString(),
      },
      today,
    )
  },
})

/** Cancels an invoice for good, keeping it and its payments on record. */
export const voidInvoice = defineAction({
  key: 'invoice.void',
  phrases: ['cancel an invoice made by mistake', 'void a bill', 'cancel invoice', 'refund', 'write off', 'credit'],
  title: 'Void an invoice',
  place: invoice('/invoices?status=open', 'Void'),
  words: { phrase: 'void any invoice' },
  description:
    'Void an invoice: it stays on record with its number and any payments, and nothing is due on it any more. Needs the ' +
    "owner's authorization, because an invoice with payments is history that changes the books; give reason, which is required " +
    'when the invoice has payments (paid or partially paid). Voiding twice changes nothing.',
  access: { agent: 'requires_authorization', technician: 'none' },
  destructive: true,
  idempotent: true,
  input: z.strictObject({
    invoice_id: z.uuid(),
    reason: text(500).optional(),
  }),
  preview: previewVoid,
  facts: VOID_FACTS,
  output: INVOICE_RECORD,
  async run(ctx, input) {
    const settings = await loadTenantSettings(ctx.db)
    const today = todayOf(ctx, settings)
    const before = await loadInvoice(ctx.db, input.invoice_id, today, true)
    if (before.status === 'void') return before
    const reason = input.reason ?? ctx.reasoning
    if (Number(before.amount_paid_cents) > 0 && !reason) {
      throw validationError([
        {
          field: 'data.reason',
          message: `is required to void invoice ${before.number}: it has payments of ${before.amount_paid_cents} cents`,
        },
      ])
    }
    await ctx.db.query(`update invoices set status = 'void', voided_at = now(), void_reason = $1 where id = $2`, [
      reason ?? null,
      input.invoice_id,
    ])
    const after = await reloadAudited(ctx, before, 'void', today)
    await refreshContactLifecycles(ctx, [String(before.contact_id)])
    return after
  },
})

/** Hides a settled invoice from everyday lists; invoices are never deleted. */
export const archiveInvoice = defineAction({
  key: 'invoice.archive',
  title: 'Archive an invoice',
  place: BY_AGENT_OR_API,
  words: { phrase: 'archive a settled invoice' },
  description:
    'Archive an invoice (invoices are never deleted): hidden from default lists, read with archived=true. Only a draft, paid or ' +
    'void invoice can be archived; one with money due is a CONFLICT (record the payment or void it first). Archiving twice changes nothing.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ invoice_id: z.uuid() }),
  output: INVOICE_RECORD,
  async run(ctx, input) {
    const settings = await loadTenantSettings(ctx.db)
    const today = todayOf(ctx, settings)
    const before = await loadInvoice(ctx.db, input.invoice_id, today, true)
    if (before.archived_at) return before
    if (!['draft', 'paid', 'void'].includes(String(before.status))) {
      throw invoiceConflict(before, `${before.amount_due_cents} cents are due; record the payment or void it before archiving`)
    }
    await ctx.db.query('update invoices set archived_at = now() where id = $1', [input.invoice_id])
    const after = await reloadAudited(ctx, before, 'archive', today)
    return after
  },
})
