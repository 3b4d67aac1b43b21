import { z } from 'zod'
import { listPage } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { isoDate } from '../../kernel/schema-types.js'
import { PAYMENT_METHODS } from './model.js'
import { timestamp } from '../../kernel/output-types.js'

/** Payments received, newest first, with the invoice and customer they belong to. */
export const paymentsQuery = defineQuery({
  type: 'payments',
  phrases: ['payments received', 'money that came in', 'money received', 'receipts', 'takings', 'paid'],
  exportColumns: [
    'id',
    'invoice_id',
    'invoice_number',
    'contact_id',
    'contact_name',
    'amount_cents',
    'currency',
    'method',
    'reference',
    'received_at',
    'created_at',
  ],
  description:
    "Payments received, newest first: amount_cents in the invoice's currency, method (cash|check|card|stripe|other), reference, " +
    'received_at, with the invoice (invoice_id, invoice_number) and customer (contact_id, contact_name). Filters: invoice_id, contact_id, ' +
    'method, from and to (received_at date range, YYYY-MM-DD in UTC, inclusive).',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    invoice_id: z.uuid().optional(),
    contact_id: z.uuid().optional(),
    method: z.enum(PAYMENT_METHODS).optional(),
    from: isoDate().optional(),
    to: isoDate().optional(),
  }),
  record: z.object({
    id: z.uuid(),
    invoice_id: z.uuid(),
    invoice_number: z.string(),
    contact_id: z.uuid(),
    contact_name: z.string(),
    amount_cents: z.number().int(),
    currency: z.string(),
    method: z.enum(PAYMENT_METHODS),
    reference: z.string().nullable(),
    received_at: timestamp,
    created_at: timestamp,
  }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [req.id ?? null, p.invoice_id ?? null, p.contact_id ?? null, p.method ?? null, p.from ?? null, p.to ?? null]
    return listPage(ctx.db, req, { keys: ['p.received_at', 'p.id'], types: ['timestamptz', 'uuid'], descending: true }, args, {
      columns: `p.id, p.invoice_id, i.number as invoice_number, i.contact_id, c.display_name as contact_name, p.amount_cents, i.currency,
                p.method, p.reference, p.received_at, p.created_at`,
      from: 'payments p join invoices i on i.id = p.invoice_id join contacts c on c.id = i.contact_id',
      where: `($1::uuid is null or p.id = $1)
         and ($2::uuid is null or p.invoice_id = $2)
         and ($3::uuid is null or i.contact_id = $3)
         and ($4::text is null or p.method = $4)
         and ($5::date is null or p.received_at >= $5::date::timestamp at time zone 'UTC')
         and ($6::date is null or p.received_at < ($6::date + 1)::timestamp at time zone 'UTC')`,
    })
  },
})
