import { z } from 'zod'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { loadTenantSettings } from '../settings/model.js'
import { CREDIT_SQL, INVOICE_HEAD, INVOICE_PAYMENT_RECORD, invoiceColumns, overdueSql, PAYMENT_COLUMNS, todayOf } from './model.js'
import { idList, isoDate } from '../../kernel/schema-types.js'
import { auditTrailExpansion, timestamp } from '../../kernel/output-types.js'
import { SqlParams, wordPatterns } from '../../kernel/sql.js'
import { PRICED_LINE_RECORD, INVOICE_LINES, pricedLinesColumn } from '../../vocabulary/line-items.js'

/** Invoices by id, or newest first, filtered by status, overdue, customer, number and issue date. */
export const invoicesQuery = defineQuery({
  type: 'invoices',
  phrases: ['unpaid invoices', 'overdue bills', 'bills', 'unpaid', 'overdue', 'receivables', 'money owed'],
  exportColumns: [
    'id',
    'number',
    'status',
    'contact_id',
    'contact_name',
    'ticket_id',
    'currency',
    'issued_on',
    'due_on',
    'terms',
    'notes',
    'subtotal_cents',
    'tax_cents',
    'total_cents',
    'amount_paid_cents',
    'amount_due_cents',
    'credit_cents',
    'is_overdue',
    'amount_set_by',
    'sent_at',
    'voided_at',
    'void_reason',
    'archived_at',
    'created_at',
    'updated_at',
  ],
  description:
    'Invoices, newest first. Amounts in cents: subtotal, tax, total, amount_paid, amount_due (never negative; 0 when void), ' +
    'credit (received beyond the total, or everything received on a void invoice: money to refund); is_overdue. ' +
    'Filters: status (draft|sent|paid|partially_paid|overdue|void, or open = sent, partially_paid and overdue; the system sets overdue on a sent or partially paid invoice once it is past due), overdue=true (due before today in the business time zone, money ' +
    'still due, not void or paid; false: the rest), contact_id, contact_ids (up to 100, comma-separated), customer (words of the customer\'s name or email, e.g. "jane smith"), ticket_id, number (part of it, e.g. 2026-0042), from and to (issued_on ' +
    'range, YYYY-MM-DD, inclusive), credit=true for invoices holding a credit to refund, archived=true for archived invoices (default: not archived). ' +
    'include: line_items, payments, contact (name, email, phone), ticket (number, scheduled_start, status), ' +
    'pay_link (the online payment address emailed with it: links made, first made, last opened by the customer; null when none).',
  entity: 'invoice',
  include: ['line_items', 'payments', 'contact', 'ticket', 'pay_link'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(['draft', 'sent', 'paid', 'partially_paid', 'overdue', 'void', 'open']).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    contact_id: z.uuid().optional(),
    contact_ids: idList('contact')
      .optional()
      .describe('the invoices of several customers in one read, e.g. with status=open for their balances'),
    customer: z.string().trim().min(1).max(200).optional(),
    ticket_id: z.uuid().optional(),
    number: z.string().trim().min(1).max(50).optional(),
    from: isoDate().optional(),
    to: isoDate().optional(),
    archived: z.enum(['true', 'false']).optional(),
    credit: z.enum(['true', 'false']).optional(),
  }),
  record: INVOICE_HEAD.extend({
    line_items: z.array(PRICED_LINE_RECORD).optional(),
    payments: z.array(INVOICE_PAYMENT_RECORD).optional(),
    contact: z.object({ id: z.uuid(), display_name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }).optional(),
    ticket: z.object({ id: z.uuid(), number: z.number().int(), scheduled_start: timestamp, status: z.string() }).nullable().optional(),
    pay_link: z.object({ links: z.number().int(), created_at: timestamp, last_opened_at: timestamp.nullable() }).nullable().optional(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const p = req.params
    const today = todayOf(ctx, await loadTenantSettings(ctx.db))
    const params = new SqlParams()
    const todayArg = params.add(today)
    const where: string[] = []
    if (req.id) where.push(`i.id = ${params.add(req.id)}`)
    else where.push(p.archived === 'true' ? 'i.archived_at is not null' : 'i.archived_at is null')
    if (p.status === 'open') where.push(`i.status in ('sent', 'partially_paid', 'overdue')`)
    else if (p.status) where.push(`i.status = ${params.add(p.status)}`)
    if (p.overdue) where.push(`${overdueSql(todayArg)} = ${params.add(p.overdue === 'true')}`)
    if (p.contact_id) where.push(`i.contact_id = ${params.add(p.contact_id)}`)
    if (p.contact_ids) where.push(`i.contact_id = any(${params.add(p.contact_ids)}::uuid[])`)
    if (p.ticket_id) where.push(`i.ticket_id = ${params.add(p.ticket_id)}`)
    // Both through functions that find the matches by index (migrations 0034 and 0060).
    if (p.number) where.push(`i.id in (select invoice_ids_numbered(${params.add(p.number)}))`)
    if (p.customer) where.push(`i.contact_id in (select contact_ids_with_words(${params.add(wordPatterns(p.customer))}))`)
    if (p.from) where.push(`i.issued_on >= ${params.add(p.from)}`)
    if (p.to) where.push(`i.issued_on <= ${params.add(p.to)}`)
    if (p.credit) where.push(`(${CREDIT_SQL} > 0) = ${params.add(p.credit === 'true')}`)
    const columns = [
      invoiceColumns(todayArg),
      req.include.has('line_items') && pricedLinesColumn(INVOICE_LINES, 'i.id'),
      req.include.has('payments') &&
        `coalesce((select jsonb_agg(to_jsonb(x) order by x.received_at, x.id) from (select ${PAYMENT_COLUMNS}
         from payments p where p.invoice_id = i.id) x), '[]') as payments`,
      req.include.has('contact') &&
        `(select jsonb_build_object('id', c.id, 'display_name', c.display_name, 'email', c.email, 'phone', c.phone)
         from contacts c where c.id = i.contact_id) as contact`,
      req.include.has('ticket') &&
        `(select jsonb_build_object('id', t.id, 'number', t.number, 'scheduled_start', t.scheduled_start, 'status', t.status)
         from tickets t where t.id = i.ticket_id) as ticket`,
      req.include.has('pay_link') &&
        `(select jsonb_build_object('links', count(*), 'created_at', min(k.created_at), 'last_opened_at', max(k.last_opened_at))
         from pay_links k where k.invoice_id = i.id having count(*) > 0) as pay_link`,
    ]
    return listPage(ctx.db, req, newestFirst('i'), params.values, {
      columns,
      from: 'invoices i',
      where,
    })
  },
})
