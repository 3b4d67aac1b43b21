import { z } from 'zod'
import { afterCursor, pageOf } from '../../pagination.js'
import { defineQuery } from '../../registry.js'
import { loadTenantSettings } from '../settings/model.js'
import {
  CREDIT_SQL, INVOICE_HEAD, INVOICE_LINE_RECORD, INVOICE_PAYMENT_RECORD, invoiceColumns, LINE_COLUMNS, overdueSql, PAYMENT_COLUMNS,
  todayOf,
} from './model.js'
import { idList, isoDate } from '../../schema-types.js'
import { auditTrailExpansion, timestamp } from '../../output-types.js'
import { wordPatterns } from '../../sql.js'

/** Invoices by id, or newest first, filtered by status, overdue, customer, number and issue date. */
export const invoicesQuery = defineQuery({
  type: 'invoices',
  description: 'Invoices, newest first. Amounts in cents: subtotal, tax, total, amount_paid, amount_due (never negative; 0 when void), '
    + 'credit (received beyond the total, or everything received on a void invoice: money to refund); is_overdue. '
    + 'Filters: status (draft|sent|paid|partially_paid|overdue|void, or open = sent, partially_paid and overdue; the system sets overdue on a sent or partially paid invoice once it is past due), overdue=true (due before today in the business time zone, money '
    + 'still due, not void or paid; false: the rest), contact_id, contact_ids (up to 100, comma-separated), customer (words of the customer\'s name or email, e.g. "jane smith"), ticket_id, number (part of it, e.g. 2026-0042), from and to (issued_on '
    + 'range, YYYY-MM-DD, inclusive), credit=true for invoices holding a credit to refund, archived=true for archived invoices (default: not archived). '
    + 'include: line_items, payments, contact (name, email, phone), ticket (number, scheduled_start, status), '
    + 'pay_link (the online payment address emailed with it: links made, first made, last opened by the customer; null when none).',
  entity: 'invoice',
  include: ['line_items', 'payments', 'contact', 'ticket', 'pay_link'],
  keywords: ['bills', 'unpaid', 'overdue', 'receivables', 'money owed'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(['draft', 'sent', 'paid', 'partially_paid', 'overdue', 'void', 'open']).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    contact_id: z.uuid().optional(),
    contact_ids: idList('contact').optional().describe('the invoices of several customers in one read, e.g. with status=open for their balances'),
    customer: z.string().trim().min(1).max(200).optional(),
    ticket_id: z.uuid().optional(),
    number: z.string().trim().min(1).max(50).optional(),
    from: isoDate().optional(),
    to: isoDate().optional(),
    archived: z.enum(['true', 'false']).optional(),
    credit: z.enum(['true', 'false']).optional(),
  }),
  record: INVOICE_HEAD.extend({
    line_items: z.array(INVOICE_LINE_RECORD).optional(),
    payments: z.array(INVOICE_PAYMENT_RECORD).optional(),
    contact: z.object({ id: z.uuid(), display_name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }).optional(),
    ticket: z.object({ id: z.uuid(), number: z.number().int(), scheduled_start: timestamp, status: z.string() }).nullable().optional(),
    pay_link: z.object({ links: z.number().int(), created_at: timestamp, last_opened_at: timestamp.nullable() }).nullable().optional(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const p = req.params
    const today = todayOf(ctx, await loadTenantSettings(ctx.db))
    const args: unknown[] = [req.id ?? null, today, p.status ?? null, p.overdue ?? null, p.contact_id ?? null, p.ticket_id ?? null,
      p.number ?? null, p.from ?? null, p.to ?? null, p.archived ?? null, p.credit ?? null, p.customer ? wordPatterns(p.customer) : null,
      p.contact_ids ?? null]
    const after = afterCursor(args, req.cursor, 'and (i.created_at, i.id) <', ['timestamptz', 'uuid'])
    args.push(req.limit + 1)
    const expansions = [
      req.include.has('line_items') && `coalesce((select jsonb_agg(to_jsonb(x) order by x.position, x.id) from (select ${LINE_COLUMNS}
         from invoice_line_items l where l.invoice_id = i.id) x), '[]') as line_items`,
      req.include.has('payments') && `coalesce((select jsonb_agg(to_jsonb(x) order by x.received_at, x.id) from (select ${PAYMENT_COLUMNS}
         from payments p where p.invoice_id = i.id) x), '[]') as payments`,
      req.include.has('contact') && `(select jsonb_build_object('id', c.id, 'display_name', c.display_name, 'email', c.email, 'phone', c.phone)
         from contacts c where c.id = i.contact_id) as contact`,
      req.include.has('ticket') && `(select jsonb_build_object('id', t.id, 'number', t.number, 'scheduled_start', t.scheduled_start, 'status', t.status)
         from tickets t where t.id = i.ticket_id) as ticket`,
      req.include.has('pay_link') && `(select jsonb_build_object('links', count(*), 'created_at', min(k.created_at), 'last_opened_at', max(k.last_opened_at))
         from pay_links k where k.invoice_id = i.id having count(*) > 0) as pay_link`,
    ].filter(Boolean).map((e) => `, ${e}`).join('')
    const r = await ctx.db.query(
      `select ${invoiceColumns('$2')}${expansions}, i.created_at::text as _sort_at from invoices i
       where ($1::uuid is null or i.id = $1)
         and ($3::text is null or i.status = any(case when $3 = 'open' then array['sent', 'partially_paid', 'overdue'] else array[$3] end))
         and ($4::text is null or ${overdueSql('$2')} = ($4 = 'true'))
         and ($5::uuid is null or i.contact_id = $5)
         and ($6::uuid is null or i.ticket_id = $6)
         and ($7::text is null or i.id in (select invoice_ids_numbered($7)))
         and ($8::date is null or i.issued_on >= $8)
         and ($9::date is null or i.issued_on <= $9)
         and ($1::uuid is not null or (i.archived_at is not null) = coalesce($10 = 'true', false))
         and ($11::text is null or (${CREDIT_SQL} > 0) = ($11 = 'true'))
         and ($12::text[] is null or i.contact_id in (select contact_ids_with_words($12)))
         and ($13::uuid[] is null or i.contact_id = any($13))
         ${after}
       order by i.created_at desc, i.id desc limit $${args.length}`, args)
    return pageOf(r.rows, req.limit, (row) => [row._sort_at, row.id])
  },
})
