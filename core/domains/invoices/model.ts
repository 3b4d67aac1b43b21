import { z } from 'zod'
import { INVOICE_STATUSES, OWED_SQL } from '../../vocabulary/invoice-states.js'
import type { OperationContext } from '../../kernel/context.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { nextCounterValue } from '../../kernel/counters.js'
import type { Queryable } from '../../db/types.js'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { invoiceTotals, paidAfterCents } from '../../vocabulary/money.js'
import { addDays, daysBetween, localDate } from '../../vocabulary/time.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { refreshContactLifecycles } from '../contacts/lifecycle.js'
import { PRICED_LINE_RECORD, INVOICE_LINES, readPricedLines } from '../../vocabulary/line-items.js'
import { servicesById } from '../services/model.js'

/**
 * The columns of an invoice as the API shows it (table alias i). A void invoice owes nothing, and whatever was paid on
 * it is credit to give back; is_overdue needs the business's today as parameter $today.
 */
export function invoiceColumns(today: string): string {
  return `i.id, i.number, i.status, i.contact_id, (select c.display_name from contacts c where c.id = i.contact_id) as contact_name,
    i.ticket_id, i.currency, i.issued_on, i.due_on, i.terms, i.notes,
    i.subtotal_cents, i.tax_cents, i.total_cents, i.amount_paid_cents,
    case when i.status = 'void' then 0 else i.amount_due_cents end as amount_due_cents,
    ${CREDIT_SQL} as credit_cents,
    ${overdueSql(today)} as is_overdue,
    i.amount_set_by, i.sent_at, i.voided_at, i.void_reason, i.archived_at, i.created_at, i.updated_at`
}

/** Money received on an invoice (alias i) beyond what it asks, to be refunded: all of it once the invoice is void. */
export const CREDIT_SQL = `(case when i.status = 'void' then i.amount_paid_cents else i.credit_cents end)`

/** True when an invoice (alias i) is past due: due before today, something still owed, and not void or paid. */
export function overdueSql(today: string): string {
  return `(i.due_on < ${today}::date and i.amount_due_cents > 0 and i.status not in ('void', 'paid'))`
}

/** Who set what an invoice asks: a person, the owner allowing an agent's call, the system at an approved price, an agent alone. */
export const AMOUNT_SETTERS = ['person', 'owner', 'system', 'agent'] as const

/** Who sets an invoice's amount by acting in ctx: the person, the owner who allowed the agent's call, the system, or the agent alone. */
export function amountSetterOf(ctx: OperationContext): (typeof AMOUNT_SETTERS)[number] {
  if (ctx.actor.type === 'user') return 'person'
  if (ctx.actor.type === 'system') return 'system'
  return ctx.actor.approvedBy ? 'owner' : 'agent'
}

/** The columns of a payment as the API shows it (alias p). */
export const PAYMENT_COLUMNS = `p.id, p.amount_cents, p.method, p.reference, p.received_at, p.created_at`

/** How money was received. */
export const PAYMENT_METHODS = ['cash', 'check', 'card', 'stripe', 'quickbooks', 'other'] as const

/** A payment as an invoice lists it (PAYMENT_COLUMNS). */
export const INVOICE_PAYMENT_RECORD = z.object({
  id: z.uuid(),
  amount_cents: z.number().int(),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable(),
  received_at: timestamp,
  created_at: timestamp,
})

/** An invoice head as the API shows it (invoiceColumns). */
export const INVOICE_HEAD = z.object({
  id: z.uuid(),
  number: z.string(),
  status: z.enum(INVOICE_STATUSES),
  contact_id: z.uuid(),
  contact_name: z.string().describe("The customer's name, as their record has it"),
  ticket_id: z.uuid().nullable(),
  currency: z.string(),
  issued_on: calendarDay,
  due_on: calendarDay,
  terms: z.string().nullable(),
  notes: z.string().nullable(),
  subtotal_cents: z.number().int(),
  tax_cents: z.number().int(),
  total_cents: z.number().int(),
  amount_paid_cents: z.number().int(),
  amount_due_cents: z.number().int(),
  credit_cents: z.number().int(),
  is_overdue: z.boolean(),
  amount_set_by: z
    .enum(AMOUNT_SETTERS)
    .describe(
      "Who set what it asks: a person, the owner allowing an agent's call, the system (a plan's or recurring invoice's " +
        "period at the price the owner approved), or an agent alone; autopay never charges an agent's amount until the owner allows it",
    ),
  sent_at: timestamp.nullable(),
  voided_at: timestamp.nullable(),
  void_reason: z.string().nullable(),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** An invoice with its line items and payments, as the invoice actions answer (loadInvoice). */
export const INVOICE_RECORD = INVOICE_HEAD.extend({ line_items: z.array(PRICED_LINE_RECORD), payments: z.array(INVOICE_PAYMENT_RECORD) })

/** The business's calendar date now. */
export function todayOf(ctx: OperationContext, settings: TenantSettings): string {
  return localDate(ctx.services.now(), settings.timezone)
}

/** An invoice with its line items and payments, optionally locked for update, or NOT_FOUND. */
export async function loadInvoice(tx: Queryable, id: string, today: string, lock = false): Promise<Record<string, unknown>> {
  const r = await tx.query(`select ${invoiceColumns('$2')} from invoices i where i.id = $1 ${lock ? 'for update' : ''}`, [id, today])
  if (!r.rows[0]) throw notFound('invoice', id)
  const invoice = r.rows[0]
  invoice.line_items = await readPricedLines(tx, INVOICE_LINES, id)
  invoice.payments = (
    await tx.query(`select ${PAYMENT_COLUMNS} from payments p where p.invoice_id = $1 order by p.received_at, p.id`, [id])
  ).rows
  return invoice
}

/** Money received on an invoice, by hand or online. */
export interface ReceivedPayment {
  amount_cents: number
  method: (typeof PAYMENT_METHODS)[number]
  reference: string | null
  received_at: string
  /** The provider's event id (Stripe): a second payment with the same id is refused by the database. */
  external_event_id?: string | null
}

/**
 * Stores a payment on a loaded, locked invoice and audits it: the one path by which payments are recorded. The amount
 * paid grows by the payment; the invoice becomes paid once nothing is left due, else partially_paid, and a void invoice
 * stays void (money that reached it anyway is still on record). Callers check what they accept before calling; payments
 * adding up to more than a cents column holds are refused here, whoever calls.
 */
export async function applyPayment(ctx: OperationContext, before: Record<string, unknown>, payment: ReceivedPayment, today: string) {
  const invoiceId = String(before.id)
  paidAfterCents(Number(before.amount_paid_cents), payment.amount_cents, 'data.amount_cents')
  const p = await ctx.db.query(
    `insert into payments (tenant_id, invoice_id, amount_cents, method, reference, received_at, external_event_id)
     values ($1, $2, $3, $4, $5, $6, $7) returning id, invoice_id, amount_cents, method, reference, received_at, created_at`,
    [
      ctx.tenantId,
      invoiceId,
      payment.amount_cents,
      payment.method,
      payment.reference,
      payment.received_at,
      payment.external_event_id ?? null,
    ],
  )
  const row = p.rows[0]
  await ctx.db.query(
    `update invoices set amount_paid_cents = amount_paid_cents + $1,
       status = case when status = 'void' then status when amount_paid_cents + $1 >= total_cents then 'paid' else 'partially_paid' end
     where id = $2`,
    [payment.amount_cents, invoiceId],
  )
  await ctx.audit({ entityType: 'payment', entityId: String(row.id), action: 'create', before: null, after: row })
  const after = await reloadAudited(ctx, before, 'record_payment', today)
  await refreshContactLifecycles(ctx, [String(before.contact_id)])
  return { invoice: after, payment: row }
}

/** A line as a caller gives it; description and unit price may come from the service. */
export interface LineInput {
  service_id?: string | null
  description?: string
  quantity: number
  unit_price_cents?: number
  taxable?: boolean
  tax_rate_bp?: number
}

/** A line ready to store. */
export interface InvoiceLine {
  service_id: string | null
  description: string
  quantity: number
  unit_price_cents: number
  tax_rate_bp: number
}

/**
 * Completes the lines: description and unit price default to the service's name and price; the tax rate is the
 * line's tax_rate_bp, else the business's default rate when the line is taxable (taxable defaults to the service's
 * flag, else true), else 0.
 */
export async function resolveLines(
  tx: Queryable,
  lines: LineInput[],
  defaultRateBp: number,
  field = 'data.line_items',
): Promise<InvoiceLine[]> {
  const services = await servicesById(
    tx,
    lines.map((l) => l.service_id).filter((id): id is string => !!id),
  )
  return lines.map((line, i) => {
    const service = line.service_id ? services.get(line.service_id) : undefined
    if (line.service_id && !service) throw notFound('service', line.service_id)
    const description = line.description ?? service?.name
    if (!description)
      throw validationError([{ field: `${field}.${i}.description`, message: 'is required when the line has no service_id' }])
    const unitPrice = line.unit_price_cents ?? service?.price_cents
    if (unitPrice === undefined || unitPrice === null) {
      throw validationError([
        {
          field: `${field}.${i}.unit_price_cents`,
          message: service ? `is required: ${service.name} has no set price` : 'is required when the line has no service_id',
        },
      ])
    }
    const taxable = line.taxable ?? service?.taxable ?? true
    if (!taxable && line.tax_rate_bp) {
      throw validationError([{ field: `${field}.${i}.tax_rate_bp`, message: 'must be 0 or left out on a line with taxable false' }])
    }
    return {
      service_id: line.service_id ?? null,
      description,
      quantity: line.quantity,
      unit_price_cents: unitPrice,
      tax_rate_bp: line.tax_rate_bp ?? (taxable ? defaultRateBp : 0),
    }
  })
}

/** Sets a draft invoice's lines (replacing any) and the totals they add up to: the one path by which amounts are stored. */
export async function writeLines(tx: Queryable, tenantId: string, invoiceId: string, lines: InvoiceLine[]): Promise<void> {
  await writePricedLines(tx, { table: 'invoices', lines: 'invoice_line_items', parent: 'invoice_id' }, tenantId, invoiceId, lines)
}

/** Where a priced document (an invoice or a quote) keeps its totals, and its lines with the column naming it. */
export interface PricedTables {
  table: 'invoices' | 'quotes'
  lines: 'invoice_line_items' | 'quote_line_items'
  parent: 'invoice_id' | 'quote_id'
}

/** Sets a draft's lines (replacing any) and the totals they add up to, by the one tax rule (core/vocabulary/money.ts). */
export async function writePricedLines(tx: Queryable, at: PricedTables, tenantId: string, id: string, lines: InvoiceLine[]): Promise<void> {
  const totals = invoiceTotals(lines)
  await tx.query(`delete from ${at.lines} where ${at.parent} = $1`, [id])
  await tx.query(
    `insert into ${at.lines} (tenant_id, ${at.parent}, service_id, description, quantity, unit_price_cents, tax_rate_bp, tax_cents, position)
     select $1, $2, t.* from unnest($3::uuid[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[]) as t`,
    [
      tenantId,
      id,
      lines.map((l) => l.service_id),
      lines.map((l) => l.description),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unit_price_cents),
      lines.map((l) => l.tax_rate_bp),
      totals.lines.map((a) => a.tax_cents),
      lines.map((_, i) => i),
    ],
  )
  await tx.query(`update ${at.table} set subtotal_cents = $1, tax_cents = $2, total_cents = $3 where id = $4`, [
    totals.subtotal_cents,
    totals.tax_cents,
    totals.total_cents,
    id,
  ])
}

/** The next invoice number of the business for the issue date's year: PREFIX-YYYY-NNNN, gapless. */
export async function nextInvoiceNumber(tx: Queryable, tenantId: string, prefix: string, issuedOn: string): Promise<string> {
  const year = issuedOn.slice(0, 4)
  const n = await nextCounterValue(tx, tenantId, `invoice:${year}`)
  return `${prefix}-${year}-${String(n).padStart(4, '0')}`
}

/** What a new invoice needs besides its lines. */
export interface NewInvoice {
  contact_id: string
  ticket_id: string | null
  issued_on?: string
  due_on?: string
  terms?: string
  notes?: string
}

/** Creates a draft invoice with its lines, totals and number, audited; returns it with lines and payments. */
export async function insertInvoice(ctx: OperationContext, settings: TenantSettings, head: NewInvoice, lines: InvoiceLine[]) {
  const today = todayOf(ctx, settings)
  const issuedOn = head.issued_on ?? today
  const dueOn = head.due_on ?? addDays(issuedOn, settings.invoice_terms_days)
  if (dueOn < issuedOn) throw validationError([{ field: 'data.due_on', message: `must be on or after issued_on ${issuedOn}` }])
  const number = await nextInvoiceNumber(ctx.db, ctx.tenantId, settings.invoice_prefix, issuedOn)
  const r = await ctx.db.query<{ id: string }>(
    `insert into invoices (tenant_id, number, ticket_id, contact_id, currency, issued_on, due_on, terms, notes, amount_set_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
    [
      ctx.tenantId,
      number,
      head.ticket_id,
      head.contact_id,
      settings.currency,
      issuedOn,
      dueOn,
      head.terms ?? termsText(issuedOn, dueOn),
      head.notes ?? null,
      amountSetterOf(ctx),
    ],
  )
  const id = r.rows[0].id
  await writeLines(ctx.db, ctx.tenantId, id, lines)
  const invoice = await loadInvoice(ctx.db, id, today)
  await ctx.audit({ entityType: 'invoice', entityId: id, action: 'create', before: null, after: auditView(invoice) })
  return invoice
}

/**
 * Takes what an agent alone set on an open invoice as allowed by whoever acts in ctx (a person, or the owner allowing
 * an agent's call), so autopay may charge it; audited on the invoice. Refuses an invoice that is not open or whose
 * amount an agent did not set alone.
 */
export async function allowAgentAmount(ctx: OperationContext, invoiceId: string): Promise<Record<string, unknown>> {
  const settings = await loadTenantSettings(ctx.db)
  const today = todayOf(ctx, settings)
  const before = await loadInvoice(ctx.db, invoiceId, today, true)
  if (!['sent', 'partially_paid', 'overdue'].includes(String(before.status)) || Number(before.amount_due_cents) <= 0) {
    throw invoiceConflict(before, 'only an open invoice with something due can be charged')
  }
  if (before.amount_set_by !== 'agent') {
    throw invoiceConflict(
      before,
      `its amount was set by ${before.amount_set_by === 'system' ? 'a plan or recurring invoice the owner approved' : 'a person or allowed by the owner'}, so autopay may already charge it`,
    )
  }
  const setter = amountSetterOf(ctx)
  if (setter === 'agent') throw new AppError('FORBIDDEN', 'Only the owner lets autopay charge an amount an agent set')
  await ctx.db.query('update invoices set amount_set_by = $2 where id = $1', [invoiceId, setter])
  return reloadAudited(ctx, before, 'allow_charge', today)
}

/** "Net 15", or "Due on receipt" when the invoice is due the day it is issued. */
export function termsText(issuedOn: string, dueOn: string): string {
  const days = daysBetween(issuedOn, dueOn)
  return days === 0 ? 'Due on receipt' : `Net ${days}`
}

/** The invoice read again after a change, which is audited under `action` with before and after as the audit shows invoices. */
export async function reloadAudited(
  ctx: OperationContext,
  before: Record<string, unknown>,
  action: string,
  today: string,
): Promise<Record<string, unknown>> {
  const after = await loadInvoice(ctx.db, String(before.id), today)
  await ctx.audit({ entityType: 'invoice', entityId: String(before.id), action, before: auditView(before), after: auditView(after) })
  return after
}

/** An invoice as the audit records it: its fields and its lines, without what only reads derive. */
export function auditView(invoice: Record<string, unknown>): Record<string, unknown> {
  const { payments: _payments, is_overdue: _overdue, line_items, ...fields } = invoice
  const lines = (line_items as Array<Record<string, unknown>> | undefined)?.map(({ id: _id, position: _position, ...line }) => line)
  return { ...fields, line_items: lines }
}

/** Refuses a change to an invoice in the wrong state, naming its status. */
export function invoiceConflict(invoice: Record<string, unknown>, message: string): AppError {
  return new AppError('CONFLICT', `Invoice ${invoice.number} is ${invoice.archived_at ? 'archived' : invoice.status}: ${message}`, {
    invoice_id: invoice.id,
    number: invoice.number,
    status: invoice.status,
  })
}

/** The numbers of the invoices a customer still owes on, in number order. */
export async function owedInvoiceNumbers(tx: Queryable, contactId: string): Promise<string[]> {
  const r = await tx.query<{ number: string }>(
    `select i.number from invoices i where i.contact_id = $1 and ${OWED_SQL} order by i.number`,
    [contactId],
  )
  return r.rows.map((row) => row.number)
}
