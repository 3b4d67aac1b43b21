import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { isoDate } from '../../kernel/schema-types.js'
import { parseInput } from '../../kernel/validation.js'
import { lockContact } from '../contacts/model.js'
import { loadTenantSettings } from '../settings/model.js'
import {
  checkEndsOn,
  createdView,
  CYCLES,
  type Cycle,
  nextPeriodStart,
  ROW_COLUMNS,
  type RecurringRow,
  recurringLineItems,
  sameJson,
  storedLines,
} from './model.js'
import { setRecurringStatus } from './status.js'

/**
 * A line of a plan's invoices, as invoice.create takes line_items: a catalog service (its name and price by default) or a
 * description with unit_price_cents; quantity defaults to 1; taxable defaults to the service's flag, else true.
 */
export interface PlanBillingLine {
  service_id?: string
  description?: string
  quantity?: number
  unit_price_cents?: number
  taxable?: boolean
  tax_rate_bp?: number
}

/** What billing a plan takes, checked as recurring_invoice.create checks its own (problems named under data.). */
const PLAN_BILLING = z.object({
  line_items: recurringLineItems,
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected a currency code such as USD'),
  cycle: z.enum(CYCLES),
  starts_on: isoDate(),
  ends_on: isoDate().nullable(),
})

/** The recurring invoice of a plan, locked, or undefined when the plan has none. */
async function planRow(ctx: OperationContext, customerPlanId: string): Promise<RecurringRow | undefined> {
  const r = await ctx.db.query<RecurringRow>(
    `select ${ROW_COLUMNS} from recurring_invoices r where r.customer_plan_id = $1 for update of r`,
    [customerPlanId],
  )
  return r.rows[0]
}

/**
 * Starts or updates the recurring invoice that bills a service plan; returns its id.
 *
 * New, it is active from starts_on (periods already begun are invoiced at the worker's next pass, one invoice each), due
 * on each period's first day (autopay charges a saved card then). Updated, its lines, currency, cycle, dates and customer
 * become the plan's from the next period on (invoices issued stay); a new starts_on or cycle moves the next period to the
 * first one of the new schedule after the last period invoiced. Its status is left as it is, except that an end date at or
 * before the next period ends it; setPlanBillingStatus pauses, resumes or ends it. Audited in the caller's transaction.
 */
export async function setPlanBilling(
  ctx: OperationContext,
  plan: {
    customer_plan_id: string
    contact_id: string
    line_items: PlanBillingLine[]
    currency: string
    cycle: 'monthly' | 'quarterly' | 'yearly'
    starts_on: string
    ends_on: string | null
  },
): Promise<string> {
  const given = parseInput(PLAN_BILLING, plan, 'data')
  await lockContact(ctx.db, plan.contact_id)
  const settings = await loadTenantSettings(ctx.db)
  const lines = await storedLines(ctx.db, given.line_items, settings)
  const before = await planRow(ctx, plan.customer_plan_id)
  if (!before) {
    checkEndsOn({ ends_on: given.ends_on, starts_on: given.starts_on, last_period_start: null })
    const made = await ctx.db.query<{ id: string }>(
      `insert into recurring_invoices (tenant_id, contact_id, customer_plan_id, line_items, currency, cycle, starts_on, ends_on,
         next_issue_on, due_days) values (app_tenant(), $1, $2, $3::jsonb, $4, $5, $6, $7, $6, 0) returning id`,
      [plan.contact_id, plan.customer_plan_id, JSON.stringify(lines), given.currency, given.cycle, given.starts_on, given.ends_on],
    )
    const id = made.rows[0].id
    await ctx.audit({
      entityType: 'recurring_invoice',
      entityId: id,
      action: 'create',
      after: createdView({
        contact_id: plan.contact_id,
        customer_plan_id: plan.customer_plan_id,
        currency: given.currency,
        cycle: given.cycle,
        starts_on: given.starts_on,
        ends_on: given.ends_on,
        next_issue_on: given.starts_on,
        due_days: 0,
        notes: null,
        status: 'active',
        line_items: lines,
      }),
    })
    return id
  }
  const after: RecurringRow = {
    ...before,
    contact_id: plan.contact_id,
    line_items: lines,
    currency: given.currency,
    cycle: given.cycle as Cycle,
    starts_on: given.starts_on,
    ends_on: given.ends_on,
  }
  if (after.starts_on !== before.starts_on || after.cycle !== before.cycle) {
    const last = before.last_period_start
    after.next_issue_on = !last || after.starts_on > last ? after.starts_on : nextPeriodStart(after.starts_on, after.cycle, last)
  }
  checkEndsOn(after)
  if (after.status !== 'ended' && after.ends_on && after.ends_on <= after.next_issue_on) after.status = 'ended'
  if (sameJson(createdView(after), createdView(before))) return before.id
  await ctx.db.query(
    `update recurring_invoices set contact_id = $2, line_items = $3::jsonb, currency = $4, cycle = $5, starts_on = $6, ends_on = $7,
       next_issue_on = $8, status = $9 where id = $1`,
    [
      before.id,
      after.contact_id,
      JSON.stringify(after.line_items),
      after.currency,
      after.cycle,
      after.starts_on,
      after.ends_on,
      after.next_issue_on,
      after.status,
    ],
  )
  await ctx.audit({
    entityType: 'recurring_invoice',
    entityId: before.id,
    action: 'update',
    before: createdView(before),
    after: createdView(after),
  })
  return before.id
}

/**
 * Pauses, resumes or ends the billing of a service plan (no-op when it has none).
 *
 * Asked for the status it has, nothing changes. Resumed, periods that began while it waited are not invoiced: the next
 * invoice is for the first period starting today or later; an ended one is started again so (a plan that runs again),
 * and one with no period left before its end date is refused (CONFLICT). Pausing an ended one changes nothing.
 */
export async function setPlanBillingStatus(
  ctx: OperationContext,
  customerPlanId: string,
  status: 'active' | 'paused' | 'ended',
): Promise<void> {
  const row = await planRow(ctx, customerPlanId)
  if (!row || (status === 'paused' && row.status === 'ended')) return
  await setRecurringStatus(ctx, await loadTenantSettings(ctx.db), row, status, { reopen: status === 'active' })
}
