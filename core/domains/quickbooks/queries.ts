import { z } from 'zod'
import { AppError } from '../../kernel/errors.js'
import { quickbooksOffReason } from './availability.js'
import { loadConnection } from './connection.js'
import { afterCursor, pageOf } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { timestamp } from '../../kernel/output-types.js'

/** What people call a sync row's record (r), as SQL: the customer's name, the service's, the invoice's number. */
export const RECORD_NAME_SQL = `case r.kind
    when 'customer' then (select c.display_name from contacts c where c.id = r.record_id)
    when 'item' then (select s.name from services s where s.id = r.record_id)
    when 'invoice' then (select 'Invoice ' || i.number from invoices i where i.id = r.record_id)
    else (select 'Payment on invoice ' || i.number from payments p join invoices i on i.id = p.invoice_id where p.id = r.record_id)
  end`

/** One record's sync state as the agent and the owner read it. */
export const SYNC_RECORD = z.object({
  id: z.uuid().describe('The record: a contact id (customer), a service id (item), an invoice id or a payment id'),
  kind: z.enum(['customer', 'item', 'invoice', 'payment']),
  name: z
    .string()
    .nullable()
    .describe("What people call it: the customer's name, the service's, the invoice's number, a payment's invoice"),
  state: z.enum(['pending', 'synced', 'failed']),
  quickbooks_id: z.string().nullable().describe("The record's Id in QuickBooks once it is there"),
  error: z.string().nullable().describe("QuickBooks' own words when it refused the record, or why the totals disagree"),
  note: z.string().nullable().describe('What the sync changed to make the record fit, e.g. a DisplayName made unique'),
  from_quickbooks: z.boolean().describe('true for a payment the bookkeeper recorded in QuickBooks'),
  updated_at: timestamp,
})

/** Each record's sync state with QuickBooks. */
export const quickbooksSyncQuery = defineQuery({
  type: 'quickbooks_sync',
  description:
    'Where each record stands with QuickBooks Online, most recently changed first: kind (customer, item, invoice, payment), name, ' +
    "state (pending: waiting for the next sync; synced; failed: error says why in QuickBooks' own words), quickbooks_id, note. " +
    'id = the record (contact, service, invoice or payment id). Filters: state, kind. A failed record is sent again with ' +
    'quickbooks.retry; quickbooks.sync asks for a sync now. Records never sent yet have no row. UNAVAILABLE when QuickBooks ' +
    'is off on this server, CONFLICT when no company was ever connected (nothing was sent, so there is nothing to list).',
  phrases: ['quickbooks', 'accounting', 'books', 'sync', 'bookkeeper', 'intuit'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    state: z.enum(['pending', 'synced', 'failed']).optional(),
    kind: z.enum(['customer', 'item', 'invoice', 'payment']).optional(),
  }),
  record: SYNC_RECORD,
  async run(ctx, req) {
    // An empty list would read as "everything is in QuickBooks": it is said instead that nothing can have been sent.
    const off = quickbooksOffReason(ctx.services)
    if (off) throw new AppError('UNAVAILABLE', off)
    if (!(await loadConnection(ctx.db)))
      throw new AppError(
        'CONFLICT',
        'No QuickBooks company was ever connected, so no record was sent: the owner connects one on the QuickBooks settings page (/settings/quickbooks)',
      )
    const args: unknown[] = [req.id ?? null, req.params.state ?? null, req.params.kind ?? null]
    const after = afterCursor(args, req.cursor, 'and (r.updated_at, r.record_id) <', ['timestamptz', 'uuid'])
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `select r.record_id as id, r.kind, ${RECORD_NAME_SQL} as name, r.state, r.remote_id as quickbooks_id, r.error, r.note, r.from_quickbooks, r.updated_at,
         r.updated_at::text as _sort_at
       from quickbooks_records r
       where ($1::uuid is null or r.record_id = $1) and ($2::text is null or r.state = $2) and ($3::text is null or r.kind = $3)
         ${after}
       order by r.updated_at desc, r.record_id desc limit $${args.length}`,
      args,
    )
    return pageOf(r.rows, req.limit, (row) => [row._sort_at, row.id])
  },
})
