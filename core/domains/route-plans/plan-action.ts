import { z } from 'zod'
import type { CallPreview } from '../../kernel/call-preview.js'
import { integrationOf } from '../../kernel/plug-in.js'
import type { OperationContext } from '../../kernel/context.js'
import { longDate } from '../../text/date-words.js'
import { DAY_WORDS_HELP, dayFromWords, dayInput } from '../../text/day-words.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { localDate } from '../../vocabulary/time.js'
import type { RoadRouter } from './road-router.js'
import { saveOrder } from '../routes/day.js'
import { loadTenantSettings } from '../settings/model.js'
import { lockTicket } from '../tickets/model.js'
import { moveVisit } from '../tickets/move.js'
import { resolveTechnician, technicianRef } from '../users/technician-refs.js'
import { planDay, ROUTE_PLAN, type RoutePlan } from './plan-day.js'

/** Orders a technician's day to cut driving, keeping fixed times; previews it, or applies it and tells the customers whose time changes. */
export const planRouteAction = defineAction({
  key: 'route.plan',
  example: { technician_id: 'Sam', date: 'tomorrow' },
  phrases: ['plan the route for a day', 'order the visits to cut driving', 'optimize the route', 'which order should the visits go in'],
  title: "Plan a technician's route",
  place: page('/routes', 'pick the technician and the day, then press Plan route'),
  words: { phrase: "put a technician's visits of a day in the order that drives least" },
  description:
    "Put a technician's visits of a day in driving order, from their start (their own, else the business's home base) and " +
    'back. Visits with a fixed time keep it; visits marked anytime (route.mark_anytime) go where they add least driving, ' +
    'within the business hours, and get the time that order needs (their booked time when it still fits). A preview unless ' +
    'apply=true: answers the day in its new order with the meters before and after, what the meters are (by road, or straight ' +
    "lines), each visit's directions link, the whole day's maps link, and times_changed (each visit's time from → to). apply=true " +
    "saves the order and moves those visits: each customer is emailed the new time and asked to confirm it (an agent's apply " +
    'that changes a time waits for the owner). Without points on the map, visits are grouped by ZIP code and town.',
  access: { agent: 'unrestricted', technician: 'none', ownerSees: async (ctx, input) => timesAnAgentWouldChange(ctx, input) },
  idempotent: true,
  input: z.strictObject({
    technician_id: technicianRef.describe('The technician: their user id or name'),
    date: dayInput().meta({ format: 'date' }).describe(`The day: ${DAY_WORDS_HELP}`),
    apply: z
      .boolean()
      .default(false)
      .describe('true: save the order and move the visits whose time changes, emailing their customers; left out: a preview'),
  }),
  output: ROUTE_PLAN,
  preview: previewRoutePlan,
  async run(ctx, input) {
    const { plan, technician, date } = await planOf(ctx, input)
    if (!input.apply || !plan.stops.length) return plan
    await saveOrder(
      ctx.db,
      ctx.tenantId,
      plan.stops.map((s) => s.ticket_id),
    )
    const told = await moveToPlannedTimes(ctx, plan)
    await ctx.audit({
      entityType: 'route',
      entityId: technician.id,
      action: 'plan',
      before: { date, order: plan.order_before },
      after: {
        date,
        order: plan.stops.map((s) => s.number),
        meters_before: plan.meters_before,
        meters_after: plan.meters_after,
        times_changed: plan.times_changed.map((c) => ({ number: c.number, from: c.from, to: c.to })),
      },
    })
    return { ...plan, applied: true, times_changed: plan.times_changed.map((c) => ({ ...c, customer_told: told.has(c.ticket_id) })) }
  },
})

/** The plan a call asks for, with the business's clock and the road router when one answers. */
async function planOf(ctx: OperationContext, input: { technician_id: string; date: string }) {
  const settings = await loadTenantSettings(ctx.db)
  const date = dayFromWords(input.date, localDate(ctx.services.now(), settings.timezone)) as string
  const technician = await resolveTechnician(ctx.db, input.technician_id, 'data.technician_id')
  const plan = await planDay(ctx.db, settings, technician, date, {
    now: ctx.services.now(),
    router: integrationOf<RoadRouter>(ctx.services, 'route-plans'),
  })
  return { plan, technician, date, settings }
}

/** Moves each visit the plan gives a new time to it, telling its customer; the ids of the visits whose customer was emailed. */
async function moveToPlannedTimes(ctx: OperationContext, plan: RoutePlan): Promise<Set<string>> {
  const told = new Set<string>()
  const moving = plan.stops.filter((s) => s.new_start)
  for (const [i, stop] of moving.entries()) {
    const ticket = await lockTicket(ctx.db, stop.ticket_id)
    const moved = await moveVisit(
      ctx,
      ticket,
      {
        start: new Date(stop.new_start as string),
        end: new Date(stop.new_end as string),
        tellCustomer: true,
        movingTicketIds: moving.slice(i + 1).map((s) => s.ticket_id),
      },
      'route_plan',
    )
    if (moved.emails.length) told.add(stop.ticket_id)
  }
  return told
}

/** Why an agent's apply waits for the owner: it changes customers' booked times and emails them; null for a preview or an order alone. */
async function timesAnAgentWouldChange(ctx: OperationContext, input: { technician_id: string; date: string; apply: boolean }) {
  if (!input.apply) return null
  const { plan } = await planOf(ctx, input)
  if (!plan.times_changed.length) return null
  return `moves ${plan.times_changed.length === 1 ? "a customer's booked time" : `${plan.times_changed.length} customers' booked times`} and emails them (${plan.times_changed.map((c) => c.words).join('; ')})`
}

/** The owner's card for a plan: whose day, the driving saved, and each visit whose time changes from when to when. */
async function previewRoutePlan(
  ctx: OperationContext,
  input: { technician_id: string; date: string; apply: boolean },
): Promise<CallPreview> {
  const { plan, settings } = await planOf(ctx, input)
  const saved =
    plan.meters_saved === null
      ? ''
      : `, ${(plan.meters_saved / 1000).toFixed(1)} km less driving (${plan.distances === 'road' ? 'by road' : 'straight lines'})`
  const moves = plan.times_changed.length
  return {
    summary:
      `${input.apply ? 'Apply' : 'Preview'} ${plan.technician_name || 'the technician'}'s route for ` +
      `${longDate(new Date(`${plan.date}T12:00:00Z`), 'UTC')}: ` +
      (!plan.stops.length
        ? 'no visits still to do'
        : plan.stops.some((s) => s.order_changed)
          ? `${plan.stops.length} visits in a new order${saved}`
          : `${plan.stops.length} visits, whose order already drives least`) +
      (moves
        ? `; ${moves === 1 ? 'one visit moves' : `${moves} visits move`} and ${moves === 1 ? 'its customer is' : 'their customers are'} emailed the new time`
        : plan.stops.length
          ? '; no time changes'
          : ''),
    warnings: plan.notes,
    currency: settings.currency,
    timezone: settings.timezone,
  }
}
