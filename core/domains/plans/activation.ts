import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { CYCLE_MONTHS, type Cycle, cycleStart, planPriceWords } from '../../vocabulary/plan-cycles.js'
import { localDate } from '../../vocabulary/time.js'
import { setPlanBilling } from '../recurring-invoices/plan-billing.js'
import { createSeries } from '../series/actions.js'
import { loadTenantSettings } from '../settings/model.js'
import { type CustomerPlan, loadCustomerPlan } from './model.js'
import { servicesById } from '../services/model.js'

/** The recurrence of a service's visits: `visits` evenly spread over each cycle (whole months when they divide, else weeks). */
export function visitRule(cycle: Cycle, visits: number): string {
  const months = CYCLE_MONTHS[cycle]
  if (months % visits === 0) return `FREQ=MONTHLY;INTERVAL=${months / visits}`
  return `FREQ=WEEKLY;INTERVAL=${Math.max(1, Math.round((months * 52) / 12 / visits))}`
}

/** The last day of a plan's first term, exclusive: the plan's end when it does not renew. */
export function termEnd(plan: { starts_on: string; cycle: Cycle; term_cycles: number }): string {
  return cycleStart(plan.starts_on, plan.cycle, plan.term_cycles)
}

/**
 * Starts a plan the customer accepted: its visits booked through the series machinery (one series a service, priced at
 * nothing since the plan's charge pays for them), and its recurring invoice set to bill each cycle from its start (charged
 * to the saved card when there is one). A start already past is moved to today.
 */
export async function activatePlan(ctx: OperationContext, customerPlanId: string, mandate: string | null): Promise<void> {
  const plan = await loadCustomerPlan(ctx.db, customerPlanId)
  const today = localDate(ctx.services.now(), (await loadTenantSettings(ctx.db)).timezone)
  const startsOn = plan.starts_on < today ? today : plan.starts_on
  const endsOn = plan.renews ? null : termEnd({ ...plan, starts_on: startsOn })
  await ctx.db.query(
    `update customer_plans set status = 'active', accepted_at = coalesce(accepted_at, now()), mandate_text = coalesce($2, mandate_text),
       starts_on = $3 where id = $1`,
    [customerPlanId, mandate, startsOn],
  )
  const services = await servicesById(
    ctx.db,
    plan.includes.map((i) => i.service_id),
  )
  for (const include of plan.includes) {
    const minutes = services.get(include.service_id)?.default_duration_minutes ?? 60
    const series = (await callWithin(ctx, createSeries, {
      contact_id: plan.contact_id,
      ...(plan.address_id ? { address_id: plan.address_id } : {}),
      rule: visitRule(plan.cycle, include.visits),
      start_date: startsOn,
      start_time: plan.visit_time,
      technician_ids: [],
      line_items: [
        {
          description: `${include.service_name} (in your ${plan.name} plan)`,
          unit_price_cents: 0,
          duration_minutes: minutes,
          taxable: false,
        },
      ],
      ...(endsOn ? { ends_on: endsOn } : {}),
    })) as unknown as { id: string }
    await ctx.db.query('update series set customer_plan_id = $2 where id = $1', [series.id, customerPlanId])
  }
  await billPlan(ctx, plan, startsOn, endsOn)
  await ctx.audit({
    entityType: 'customer_plan',
    entityId: customerPlanId,
    action: 'accept',
    before: { status: plan.status },
    after: { status: 'active', starts_on: startsOn, price: planPriceWords(plan), card_saved: mandate !== null },
  })
}

/** Starts or updates the recurring invoice that bills a plan: one line of its price each cycle, from startsOn to endsOn. */
export async function billPlan(ctx: OperationContext, plan: CustomerPlan, startsOn: string, endsOn: string | null): Promise<void> {
  await setPlanBilling(ctx, {
    customer_plan_id: plan.id,
    contact_id: plan.contact_id,
    line_items: [{ description: `${plan.name} plan`, quantity: 1, unit_price_cents: plan.price_cents, taxable: false }],
    currency: plan.currency,
    cycle: plan.cycle,
    starts_on: startsOn,
    ends_on: endsOn,
  })
}
