import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { dayWords } from '../../text/date-words.js'
import { formatMoney } from '../../vocabulary/money.js'
import { CYCLE_WORDS, cycleStart, planPriceWords } from '../../vocabulary/plan-cycles.js'
import { localDate } from '../../vocabulary/time.js'
import type { PlanAcceptance } from '../autopay/setup-events.js'
import { loadTenantSettings } from '../settings/model.js'
import { activatePlan, termEnd } from './activation.js'
import { type CustomerPlan, loadCustomerPlan } from './model.js'

/** The plan states in which the customer may still accept. */
const OPEN = ['proposed', 'sent']

/** A plan offer as the customer's page shows it: what it includes, its charges and its terms. */
export interface PlanOffer {
  plan: CustomerPlan
  open: boolean
  price: string
  /** The first charges: each date and amount (at most twelve). */
  charges: Array<{ on: string; amount: string }>
  terms: string
}

/** The offer of a customer's plan, read in its business's transaction; `byCard`: its charges go to a card saved now. */
export async function planOffer(db: Queryable, customerPlanId: string, now: Date, byCard: boolean): Promise<PlanOffer> {
  const plan = await loadCustomerPlan(db, customerPlanId)
  const today = localDate(now, (await loadTenantSettings(db)).timezone)
  const start = plan.starts_on < today ? today : plan.starts_on
  const count = Math.min(plan.term_cycles, 12)
  const charges = Array.from({ length: count }, (_, n) => ({
    on: dayWords(cycleStart(start, plan.cycle, n)),
    amount: formatMoney(plan.price_cents, plan.currency),
  }))
  const end = termEnd({ ...plan, starts_on: start })
  const noun = CYCLE_WORDS[plan.cycle]
  const terms =
    `The plan starts on ${dayWords(start)} and runs ${plan.term_cycles} ${noun}${plan.term_cycles === 1 ? '' : 's'}, to ` +
    `${dayWords(end)}; ${plan.renews ? 'it then renews on the same terms until you or we cancel it' : 'it then ends'}. ` +
    (byCard
      ? 'Each charge is invoiced on its date and charged to the card you save; you get each invoice by email, and an email with the amount, the card and the day before each charge.'
      : 'Each charge is invoiced on its date; you get each invoice by email, with how to pay it.') +
    ' You can ask to pause or cancel it at any time.'
  return { plan, open: OPEN.includes(plan.status), price: planPriceWords(plan), charges, terms }
}

/** The customer declined the offer on its page. */
export async function declinePlan(ctx: OperationContext, customerPlanId: string): Promise<void> {
  const r = await ctx.db.query<{ status: string }>('select status from customer_plans where id = $1 for update', [customerPlanId])
  if (!r.rows[0] || !OPEN.includes(r.rows[0].status)) return
  await ctx.db.query(`update customer_plans set status = 'declined' where id = $1`, [customerPlanId])
  await ctx.audit({
    entityType: 'customer_plan',
    entityId: customerPlanId,
    action: 'decline',
    before: r.rows[0],
    after: { status: 'declined' },
  })
}

/** The customer accepted without a card (online payments are off): the plan starts, its invoices are emailed to be paid. */
export async function acceptWithoutCard(ctx: OperationContext, customerPlanId: string): Promise<boolean> {
  const r = await ctx.db.query<{ status: string }>('select status from customer_plans where id = $1 for update', [customerPlanId])
  if (!r.rows[0] || !OPEN.includes(r.rows[0].status)) return false
  await activatePlan(ctx, customerPlanId, null)
  return true
}

/** What accepting a plan through a card saved on its link does: the plans domain's manifest gives it to autopay. */
export const PLAN_ACCEPTANCE: PlanAcceptance = {
  async terms(ctx, customerPlanId) {
    const r = await ctx.db.query<{ status: string }>('select status from customer_plans where id = $1 for update', [customerPlanId])
    if (!r.rows[0] || !OPEN.includes(r.rows[0].status)) return null
    const plan = await loadCustomerPlan(ctx.db, customerPlanId)
    return { name: plan.name, price: planPriceWords(plan) }
  },
  accept: (ctx, customerPlanId, mandate) => activatePlan(ctx, customerPlanId, mandate),
}
