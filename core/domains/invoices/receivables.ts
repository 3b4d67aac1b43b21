import { z } from 'zod'
import { defineQuery } from '../../kernel/registry.js'
import { calendarDay } from '../../kernel/output-types.js'
import { loadTenantSettings } from '../settings/model.js'
import { overdueSql, todayOf } from './model.js'
import { OWED_SQL } from '../../vocabulary/invoice-states.js'

/** How many of the oldest overdue invoices each currency's total lists. */
const OLDEST_SHOWN = 5

/** What customers owe, per currency: the totals of open and of overdue invoices, and the overdue invoices due longest ago. */
export const receivablesQuery = defineQuery({
  type: 'receivables',
  phrases: [
    'who still owes us money',
    'how much is outstanding',
    'total unpaid',
    'receivables',
    'money owed',
    'overdue total',
    'outstanding',
    'accounts receivable',
    'unpaid',
  ],
  description:
    'Money customers owe, one record per currency (id is the currency code): owed_cents and owed_count (invoices sent, ' +
    'partially paid or overdue with money still due, not archived), overdue_cents and overdue_count (of those, due before today in ' +
    `the business time zone), and oldest_overdue: up to ${OLDEST_SHOWN} overdue invoices due longest ago, each {id, number, contact_id, ` +
    'contact_name, due_on, amount_due_cents, days_overdue}. No record when nothing is owed. For the invoices themselves read invoices with overdue=true.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: z.object({
    id: z.string(),
    currency: z.string(),
    owed_cents: z.number().int(),
    owed_count: z.number().int(),
    overdue_cents: z.number().int(),
    overdue_count: z.number().int(),
    oldest_overdue: z.array(
      z.object({
        id: z.uuid(),
        number: z.string(),
        contact_id: z.uuid(),
        contact_name: z.string(),
        due_on: calendarDay,
        amount_due_cents: z.number().int(),
        days_overdue: z.number().int(),
      }),
    ),
  }),
  async run(ctx, req) {
    const today = todayOf(ctx, await loadTenantSettings(ctx.db))
    const totals = await ctx.db.query<{
      currency: string
      owed_cents: string
      owed_count: string
      overdue_cents: string
      overdue_count: string
    }>(
      `select i.currency, sum(i.amount_due_cents)::text as owed_cents, count(*)::text as owed_count,
              coalesce(sum(i.amount_due_cents) filter (where ${overdueSql('$1')}), 0)::text as overdue_cents,
              count(*) filter (where ${overdueSql('$1')})::text as overdue_count
       from invoices i where ${OWED_SQL} and ($2::text is null or i.currency = $2)
       group by i.currency order by i.currency`,
      [today, req.id ?? null],
    )
    const oldest = await ctx.db.query<{ currency: string } & Record<string, unknown>>(
      `select * from (select i.currency, i.id, i.number, i.contact_id, c.display_name as contact_name, i.due_on::text as due_on,
                i.amount_due_cents, ($1::date - i.due_on) as days_overdue,
                row_number() over (partition by i.currency order by i.due_on, i.number) as place
         from invoices i join contacts c on c.tenant_id = i.tenant_id and c.id = i.contact_id
         where ${OWED_SQL} and ${overdueSql('$1')} and ($2::text is null or i.currency = $2)) o
       where place <= ${OLDEST_SHOWN} order by due_on, number`,
      [today, req.id ?? null],
    )
    const items = totals.rows.map((t) => ({
      id: t.currency,
      currency: t.currency,
      owed_cents: Number(t.owed_cents),
      owed_count: Number(t.owed_count),
      overdue_cents: Number(t.overdue_cents),
      overdue_count: Number(t.overdue_count),
      oldest_overdue: oldest.rows
        .filter((o) => o.currency === t.currency)
        .map(({ currency: _currency, place: _place, ...o }) => ({
          ...o,
          amount_due_cents: Number(o.amount_due_cents),
          days_overdue: Number(o.days_overdue),
        })),
    }))
    return { items, next_cursor: null }
  },
})
