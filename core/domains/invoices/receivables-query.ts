import { z } from 'zod'
import { defineQuery } from '../../registry.js'
import { loadTenantSettings } from '../settings/model.js'
import { overdueSql, todayOf } from './model.js'

/** What customers owe the business: the amount due on issued invoices, and the part of it that is past due. */
export const receivablesQuery = defineQuery({
  type: 'receivables',
  description: 'Money customers owe, one record (id = the business id), in cents of the business currency: owed_cents and open_count '
    + '(invoices sent, partially paid or overdue, not archived), overdue_cents and overdue_count (due before today in the business time '
    + 'zone with money still due, not void or paid: the invoices overdue=true lists).',
  keywords: ['accounts receivable', 'money owed', 'outstanding', 'overdue total'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: z.object({
    id: z.uuid(),
    currency: z.string(),
    owed_cents: z.number().int(),
    open_count: z.number().int(),
    overdue_cents: z.number().int(),
    overdue_count: z.number().int(),
  }),
  async run(ctx, req) {
    const today = todayOf(ctx, await loadTenantSettings(ctx.db))
    // Each sum reads only its own invoices through an index: open ones by status, overdue ones by due date.
    const r = await ctx.db.query(
      `select t.id, t.currency,
         (select coalesce(sum(i.amount_due_cents), 0)::int from invoices i
           where i.status in ('sent', 'partially_paid', 'overdue') and i.archived_at is null) as owed_cents,
         (select count(*)::int from invoices i where i.status in ('sent', 'partially_paid', 'overdue') and i.archived_at is null) as open_count,
         (select coalesce(sum(i.amount_due_cents), 0)::int from invoices i where ${overdueSql('$2')} and i.archived_at is null) as overdue_cents,
         (select count(*)::int from invoices i where ${overdueSql('$2')} and i.archived_at is null) as overdue_count
       from tenants t where t.id = app_tenant() and ($1::uuid is null or t.id = $1)`, [req.id ?? null, today])
    return { items: r.rows, next_cursor: null }
  },
})
