import { z } from 'zod'
import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { MAX_CENTS } from '../../vocabulary/money.js'
import { planPriceWords } from '../../vocabulary/plan-cycles.js'
import { customer } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { clockOfDay, isoDate } from '../../kernel/schema-types.js'
import { noteText } from '../../kernel/sanitize.js'
import { localDate } from '../../vocabulary/time.js'
import { queuePlanOffer } from '../messages/actions.js'
import { EMAIL_DELIVERY, emailDelivery } from '../messages/email-delivery.js'
import { setPlanBillingStatus } from '../recurring-invoices/plan-billing.js'
import { billPlan } from './activation.js'
import { endSeries, pauseSeries, resumeSeries } from '../series/actions.js'
import { loadTenantSettings } from '../settings/model.js'
import { CUSTOMER_PLAN, loadCustomerPlan, loadPlan, lockCustomerPlan } from './model.js'

const WORDS = { area: 'Customers' } as const
const planId = z.uuid().describe("The customer's plan (customer_plans), not the catalog plan")

/** A plan refused for a change its state does not allow, naming the state. */
function stateConflict(status: string, what: string): AppError {
  return new AppError('CONFLICT', `This plan is ${status}: it cannot ${what}`, { field: 'data.customer_plan_id', status })
}

/** Sells a plan of the catalog to a customer: proposed, on the catalog's terms, until they accept it. */
export const proposeCustomerPlan = defineAction({
  key: 'customer_plan.propose',
  example: { plan_id: 'Monthly windows', contact_id: '00000000-0000-4000-8000-000000000002', starts_on: '2026-12-01' },
  phrases: ['put the customer on a maintenance plan', 'offer the customer a monthly plan'],
  title: 'Offer a service plan',
  place: customer('Offer a plan'),
  words: { ...WORDS, phrase: 'offer service plans to customers' },
  description:
    'Offer a customer a plan of the catalog (plan_id: its id or its name) at an address (address_id, one of theirs), ' +
    "starting starts_on, visits at visit_time (HH:MM, default 09:00). Its price and terms are the catalog's; nobody is " +
    'charged until the customer accepts. ' +
    'customer_plan.send emails them the link to accept it and save a card.',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject({
    plan_id: z.uuid().describe('A plan of the catalog (plans), e.g. "Monthly windows"'),
    contact_id: z.uuid(),
    address_id: z.uuid().optional(),
    starts_on: isoDate().describe('First day of the first cycle, YYYY-MM-DD'),
    visit_time: clockOfDay().default('09:00'),
  }),
  output: CUSTOMER_PLAN,
  async run(ctx, input) {
    const plan = await loadPlan(ctx.db, input.plan_id)
    if (plan.archived_at) throw new AppError('CONFLICT', `The plan "${plan.name}" is no longer sold`, { field: 'data.plan_id' })
    if (!(await ctx.db.query('select 1 from contacts where id = $1', [input.contact_id])).rows[0])
      throw notFound('contact', input.contact_id)
    if (input.address_id) {
      const a = await ctx.db.query('select 1 from addresses where id = $1 and contact_id = $2', [input.address_id, input.contact_id])
      if (!a.rows[0]) throw validationError([{ field: 'data.address_id', message: 'is not an address of this customer' }])
    }
    const today = localDate(ctx.services.now(), (await loadTenantSettings(ctx.db)).timezone)
    if (input.starts_on < today) throw validationError([{ field: 'data.starts_on', message: `must be today (${today}) or later` }])
    const r = await ctx.db.query<{ id: string }>(
      `insert into customer_plans (tenant_id, plan_id, contact_id, address_id, name, includes, price_cents, currency, cycle, term_cycles,
         renews, starts_on, visit_time)
       select app_tenant(), p.id, $2, $3, p.name, p.includes, p.price_cents, p.currency, p.cycle, p.term_cycles, p.renews, $4, $5
         from plans p where p.id = $1 returning id`,
      [input.plan_id, input.contact_id, input.address_id ?? null, input.starts_on, input.visit_time],
    )
    const after = await loadCustomerPlan(ctx.db, r.rows[0].id)
    await ctx.audit({ entityType: 'customer_plan', entityId: after.id, action: 'propose', after })
    return after
  },
})

/** Emails the customer the link to see their plan, its charges and terms, and accept it by saving a card. */
export const sendCustomerPlan = defineAction({
  key: 'customer_plan.send',
  example: { customer_plan_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['send the plan to the customer to accept', 'email the maintenance plan offer'],
  title: 'Send a plan to accept',
  place: customer('Plans, then Send'),
  words: { ...WORDS, phrase: 'email service plan offers' },
  description:
    'Email the customer a link to their proposed plan: what it includes, the dates and amounts of its charges, its terms and the ' +
    "mandate; they accept by saving a card on Stripe's page (or, with online payments off, by pressing Accept). Sending again " +
    'sends a new link.',
  access: { agent: 'soft_limit', technician: 'none' },
  input: z.strictObject({ customer_plan_id: planId }),
  output: CUSTOMER_PLAN.extend({ message_id: z.uuid(), delivery: EMAIL_DELIVERY }),
  async run(ctx, input) {
    const before = await lockCustomerPlan(ctx.db, input.customer_plan_id)
    if (!['proposed', 'sent'].includes(before.status)) throw stateConflict(before.status, 'be sent to accept')
    const message = await queuePlanOffer(ctx, before.contact_id, input.customer_plan_id)
    await ctx.db.query(`update customer_plans set status = 'sent', sent_at = now() where id = $1`, [input.customer_plan_id])
    await ctx.audit({
      entityType: 'customer_plan',
      entityId: input.customer_plan_id,
      action: 'send',
      before: { status: before.status },
      after: { status: 'sent', message_id: message.id },
    })
    return { ...(await loadCustomerPlan(ctx.db, input.customer_plan_id)), message_id: message.id, ...emailDelivery(ctx.services) }
  },
})

/** Changes what one customer's plan costs each cycle, from the next invoice on. */
export const changeCustomerPlanPrice = defineAction({
  key: 'customer_plan.change_price',
  example: { customer_plan_id: '00000000-0000-4000-8000-000000000001', price_cents: 4900 },
  phrases: ["raise the customer's plan price", 'give the customer a discount on their plan'],
  title: "Change a plan's price",
  place: { path: '/customers', how: 'open the customer, then their plan, then Change price' },
  words: { ...WORDS, phrase: "change a customer's plan price" },
  description:
    "Change what a customer's plan costs each cycle, from the next invoice on (invoices already issued stay). The owner's: an " +
    "agent's call waits for the owner every time, and Allow Always never covers it.",
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    ownerApproves: { fields: ['price_cents'], why: 'changes what the customer is charged every cycle' },
  },
  idempotent: true,
  input: z.strictObject({ customer_plan_id: planId, price_cents: z.number().int().min(1).max(MAX_CENTS) }),
  output: CUSTOMER_PLAN,
  async run(ctx, input) {
    const locked = await lockCustomerPlan(ctx.db, input.customer_plan_id)
    if (['cancelled', 'ended', 'declined'].includes(locked.status)) throw stateConflict(locked.status, 'change its price')
    const before = await loadCustomerPlan(ctx.db, input.customer_plan_id)
    if (before.price_cents === input.price_cents) return before
    await ctx.db.query('update customer_plans set price_cents = $2 where id = $1', [input.customer_plan_id, input.price_cents])
    if (['active', 'paused'].includes(before.status)) await rebill(ctx, input.customer_plan_id)
    const after = await loadCustomerPlan(ctx.db, input.customer_plan_id)
    await ctx.audit({
      entityType: 'customer_plan',
      entityId: input.customer_plan_id,
      action: 'change_price',
      before: { price: planPriceWords(before) },
      after: { price: planPriceWords(after) },
    })
    return after
  },
})

/** The plan's recurring invoice set again from its row (its price changed), its end kept. */
async function rebill(ctx: OperationContext, customerPlanId: string): Promise<void> {
  const ends = await ctx.db.query<{ ends_on: string | null }>('select ends_on::text from recurring_invoices where customer_plan_id = $1', [
    customerPlanId,
  ])
  const plan = await loadCustomerPlan(ctx.db, customerPlanId)
  await billPlan(ctx, plan, plan.starts_on, ends.rows[0]?.ends_on ?? null)
}

/** The plan's series, for pausing, resuming or ending its visits. */
async function planSeries(ctx: OperationContext, customerPlanId: string, status: string): Promise<string[]> {
  const r = await ctx.db.query<{ id: string }>('select id from series where customer_plan_id = $1 and status = $2', [
    customerPlanId,
    status,
  ])
  return r.rows.map((s) => s.id)
}

/**
 * Pauses an active plan (its series paused, its billing too) or resumes a paused one; asked again as it is, nothing
 * changes.
 */
async function switchPlan(ctx: OperationContext, customerPlanId: string, to: 'paused' | 'active') {
  const before = await lockCustomerPlan(ctx.db, customerPlanId)
  if (before.status === to) return loadCustomerPlan(ctx.db, customerPlanId)
  const from = to === 'paused' ? 'active' : 'paused'
  if (before.status !== from) throw stateConflict(before.status, to === 'paused' ? 'be paused' : 'be resumed')
  for (const id of await planSeries(ctx, customerPlanId, from)) {
    if (to === 'paused') await callWithin(ctx, pauseSeries, { series_id: id, reason: 'The service plan is paused' })
    else await callWithin(ctx, resumeSeries, { series_id: id })
  }
  await setPlanBillingStatus(ctx, customerPlanId, to)
  await ctx.db.query(`update customer_plans set status = $2, paused_at = case when $2 = 'paused' then now() end where id = $1`, [
    customerPlanId,
    to,
  ])
  const action = to === 'paused' ? 'pause' : 'resume'
  await ctx.audit({ entityType: 'customer_plan', entityId: customerPlanId, action, before, after: { status: to } })
  return loadCustomerPlan(ctx.db, customerPlanId)
}

/** Pauses a plan: no visits and no invoices until it is resumed. */
export const pauseCustomerPlan = defineAction({
  key: 'customer_plan.pause',
  example: { customer_plan_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['pause the customer plan for the winter'],
  title: 'Pause a plan',
  place: { path: '/customers', how: 'open the customer, then their plan, then Pause' },
  words: { ...WORDS, phrase: "pause customers' plans" },
  description: "Pause an active plan: its coming visits are cancelled and it is not invoiced until customer_plan.resume. The owner's.",
  access: { agent: 'requires_authorization', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ customer_plan_id: planId }),
  output: CUSTOMER_PLAN,
  run: (ctx, input) => switchPlan(ctx, input.customer_plan_id, 'paused'),
})

/** Resumes a paused plan: its visits booked again and its invoices issued from the next period. */
export const resumeCustomerPlan = defineAction({
  key: 'customer_plan.resume',
  example: { customer_plan_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['start the customer plan again'],
  title: 'Resume a plan',
  place: { path: '/customers', how: 'open the customer, then their plan, then Resume' },
  words: { ...WORDS, phrase: "resume customers' plans" },
  description: 'Resume a paused plan: its visits are booked again and it is invoiced from its next period.',
  access: { agent: 'requires_authorization', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ customer_plan_id: planId }),
  output: CUSTOMER_PLAN,
  run: (ctx, input) => switchPlan(ctx, input.customer_plan_id, 'active'),
})

/** Cancels a plan: no more visits or invoices; what is still owed and what may be refunded are listed. */
export const cancelCustomerPlan = defineAction({
  key: 'customer_plan.cancel',
  example: { customer_plan_id: '00000000-0000-4000-8000-000000000001', note: 'Moving away' },
  phrases: ['cancel the customer plan', 'the customer wants to stop their plan'],
  title: 'Cancel a plan',
  place: { path: '/customers', how: 'open the customer, then their plan, then Cancel' },
  words: { ...WORDS, phrase: "cancel customers' plans" },
  description:
    'Cancel a plan (or withdraw one not yet accepted): its coming visits are cancelled and it is invoiced no more. Returns the plan ' +
    "with what its invoices still owe (still_owed_cents; they stay open) and the payments of its latest period the owner may refund (refundable; invoice.refund, the owner's alone).",
  access: { agent: 'requires_authorization', technician: 'none', customerText: { screened: ['note'] } },
  idempotent: true,
  input: z.strictObject({ customer_plan_id: planId, note: noteText(1000).optional().describe('Why, for the record') }),
  output: CUSTOMER_PLAN,
  async run(ctx, input) {
    const before = await lockCustomerPlan(ctx.db, input.customer_plan_id)
    if (!['cancelled', 'declined', 'ended'].includes(before.status)) {
      for (const status of ['active', 'paused'])
        for (const id of await planSeries(ctx, input.customer_plan_id, status))
          await callWithin(ctx, endSeries, { series_id: id, reason: 'The service plan was cancelled' })
      await setPlanBillingStatus(ctx, input.customer_plan_id, 'ended')
      await ctx.db.query(`update customer_plans set status = 'cancelled', cancelled_at = now(), cancel_note = $2 where id = $1`, [
        input.customer_plan_id,
        input.note ?? null,
      ])
      await ctx.audit({
        entityType: 'customer_plan',
        entityId: input.customer_plan_id,
        action: 'cancel',
        before,
        after: { status: 'cancelled', note: input.note ?? null },
      })
    }
    return loadCustomerPlan(ctx.db, input.customer_plan_id)
  },
})
