import { z } from 'zod'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams } from '../../kernel/sql.js'
import { loadTenantSettings } from '../settings/model.js'
import { RECURRING_COLUMNS, RECURRING_INVOICE, RECURRING_STATUSES, withTotals } from './model.js'

/** Recurring invoices by id, or newest first, with their customer, what a period costs and the invoices they issued. */
export const recurringInvoicesQuery = defineQuery({
  type: 'recurring_invoices',
  phrases: [
    'which customers are billed every month',
    'the monthly contracts',
    'when is the next contract invoice',
    'recurring invoice',
    'contract',
    'retainer',
    'subscription',
    'monthly billing',
    'repeat invoice',
  ],
  description:
    'Recurring invoices (recurring_invoice.create, or the billing of a service plan: customer_plan_id), newest first: the ' +
    'contact and their name, line_items, cycle (monthly|quarterly|yearly), starts_on, ends_on, next_issue_on (the day the next ' +
    'invoice is made), due_days, notes, status (active|paused|ended), what one period costs (cycle_subtotal_cents, ' +
    "cycle_tax_cents at the business's rate now, cycle_total_cents) and the invoices issued so far (number, period_start, " +
    'status, amount_due_cents). Filters: contact_id, status, customer_plan_id.',
  exportColumns: [
    'id',
    'contact_id',
    'contact_name',
    'customer_plan_id',
    'plan_name',
    'currency',
    'cycle',
    'starts_on',
    'ends_on',
    'next_issue_on',
    'due_days',
    'notes',
    'status',
    'cycle_subtotal_cents',
    'cycle_tax_cents',
    'cycle_total_cents',
    'created_at',
    'updated_at',
  ],
  entity: 'recurring_invoice',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    contact_id: z.uuid().optional(),
    status: z.enum(RECURRING_STATUSES).optional(),
    customer_plan_id: z.uuid().optional(),
  }),
  record: RECURRING_INVOICE.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`r.id = ${params.add(req.id)}`)
    if (req.params.contact_id) where.push(`r.contact_id = ${params.add(req.params.contact_id)}`)
    if (req.params.status) where.push(`r.status = ${params.add(req.params.status)}`)
    if (req.params.customer_plan_id) where.push(`r.customer_plan_id = ${params.add(req.params.customer_plan_id)}`)
    const page = await listPage(ctx.db, req, newestFirst('r'), params.values, {
      columns: RECURRING_COLUMNS,
      from: 'recurring_invoices r',
      where,
    })
    return { items: await withTotals(ctx.db, page.items, await loadTenantSettings(ctx.db)), next_cursor: page.next_cursor }
  },
})
