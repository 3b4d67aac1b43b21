import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { notFound } from '../../kernel/errors.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { CYCLES } from '../../vocabulary/plan-cycles.js'

/** One service a plan includes, and how many visits of it each cycle. */
export const PLAN_INCLUDE = z.strictObject({
  service_id: z.uuid(),
  visits: z.number().int().min(1).max(31).describe('Visits of this service each cycle'),
})

/** What each cycle includes, as plans keep it. */
export const INCLUDES = z.array(PLAN_INCLUDE).max(10)

/** A plan of the catalog. */
export const PLAN = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  includes: z.array(PLAN_INCLUDE.extend({ service_name: z.string() })),
  price_cents: z.number().int().describe('Charged each cycle'),
  currency: z.string(),
  cycle: z.enum(CYCLES),
  term_cycles: z.number().int().describe('Cycles in one term'),
  renews: z.boolean().describe('Whether a term that ends starts another'),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
})
/** A plan (PLAN). */
export type Plan = z.infer<typeof PLAN>

/** The states of a customer's plan. */
export const CUSTOMER_PLAN_STATUSES = ['proposed', 'sent', 'active', 'paused', 'cancelled', 'ended', 'declined'] as const

/** A plan sold to a customer, on the terms it was sold with. */
export const CUSTOMER_PLAN = z.object({
  id: z.uuid(),
  plan_id: z.uuid(),
  contact_id: z.uuid(),
  customer_name: z.string(),
  address_id: z.uuid().nullable(),
  name: z.string(),
  includes: z.array(PLAN_INCLUDE.extend({ service_name: z.string() })),
  price_cents: z.number().int(),
  currency: z.string(),
  cycle: z.enum(CYCLES),
  term_cycles: z.number().int(),
  renews: z.boolean(),
  starts_on: calendarDay,
  visit_time: z.string(),
  status: z.enum(CUSTOMER_PLAN_STATUSES),
  sent_at: timestamp.nullable(),
  accepted_at: timestamp.nullable(),
  mandate_text: z.string().nullable().describe('What the customer agreed to when they saved their card for it'),
  card: z.string().nullable().describe("The customer's saved card, e.g. visa 4242; null without one"),
  next_charge_on: calendarDay.nullable().describe('When the next cycle is invoiced (and charged when a card is saved)'),
  term_starts_on: calendarDay.describe('The first day of the current term'),
  visits_done: z.number().int().describe('Visits of this term completed'),
  visits_left: z.number().int().describe('Visits of this term still to do: what the term includes less what was done'),
  still_owed_cents: z.number().int().describe("What the plan's invoices still owe"),
  refundable: z
    .array(z.object({ invoice_id: z.uuid(), number: z.string(), payment_id: z.uuid(), amount_cents: z.number().int() }))
    .describe("Payments of the plan's latest invoice not yet refunded: after cancelling, the owner may refund them (invoice.refund)"),
  cancelled_at: timestamp.nullable(),
  cancel_note: z.string().nullable(),
  created_at: timestamp,
})
/** A customer's plan (CUSTOMER_PLAN). */
export type CustomerPlan = z.infer<typeof CUSTOMER_PLAN>

/** The catalog columns with each include's service name. */
export const PLAN_SELECT = `select p.id, p.name, p.description, p.price_cents, p.currency, p.cycle, p.term_cycles, p.renews, p.archived_at,
  p.created_at, coalesce((select json_agg(json_build_object('service_id', s.id, 'visits', (x.value ->> 'visits')::int, 'service_name', s.name)
    order by x.ordinality) from jsonb_array_elements(p.includes) with ordinality x join services s on s.id = (x.value ->> 'service_id')::uuid), '[]') as includes
  from plans p`

/** A customer's plan's status: one that does not renew has ended once its recurring invoice ended with its term. */
export const PLAN_STATUS_SQL = `(case when cp.status = 'active' and not cp.renews
  and (select r.status from recurring_invoices r where r.customer_plan_id = cp.id) = 'ended' then 'ended' else cp.status end)`

/** A customer's plan with its customer, card, next charge and this term's visits. */
export const CUSTOMER_PLAN_SELECT = `select cp.id, cp.plan_id, cp.contact_id, c.display_name as customer_name, cp.address_id, cp.name,
  coalesce((select json_agg(json_build_object('service_id', s.id, 'visits', (x.value ->> 'visits')::int, 'service_name', s.name)
    order by x.ordinality) from jsonb_array_elements(cp.includes) with ordinality x join services s on s.id = (x.value ->> 'service_id')::uuid), '[]') as includes,
  cp.price_cents, cp.currency, cp.cycle, cp.term_cycles, cp.renews, cp.starts_on::text as starts_on, cp.visit_time,
  ${PLAN_STATUS_SQL} as status,
  cp.sent_at,
  cp.accepted_at, cp.mandate_text, cp.cancelled_at, cp.cancel_note, cp.created_at,
  (select sc.brand || ' ' || sc.last4 from saved_cards sc where sc.contact_id = cp.contact_id and sc.replaced_at is null) as card,
  (select r.next_issue_on::text from recurring_invoices r where r.customer_plan_id = cp.id and r.status = 'active'
     and (r.ends_on is null or r.next_issue_on < r.ends_on)) as next_charge_on,
  term.done as visits_done,
  greatest(term.included - term.done, 0) as visits_left,
  term.start::text as term_starts_on,
  (select coalesce(sum(i.amount_due_cents), 0) from invoices i join recurring_invoices r on r.id = i.recurring_invoice_id
    where r.customer_plan_id = cp.id and i.status <> 'void')::int as still_owed_cents,
  coalesce((select json_agg(json_build_object('invoice_id', i.id, 'number', i.number, 'payment_id', p.id,
      'amount_cents', p.amount_cents - p.refunded_cents) order by p.received_at)
    from invoices i join recurring_invoices r on r.id = i.recurring_invoice_id join payments p on p.invoice_id = i.id
    where r.customer_plan_id = cp.id and p.amount_cents > p.refunded_cents
      and i.period_start = (select max(j.period_start) from invoices j where j.recurring_invoice_id = r.id)), '[]') as refundable
  from customer_plans cp join contacts c on c.id = cp.contact_id
  cross join lateral (select t.start, t.included,
      (select count(*) from tickets k join series se on se.id = k.series_id where se.customer_plan_id = cp.id and k.status = 'completed'
         and k.scheduled_start >= t.start)::int as done
    from (select
      -- The current term's first day: whole terms from the plan's start to today (today in the database's clock).
      (cp.starts_on + make_interval(months => (m.term * floor(greatest(
         extract(year from age(current_date, cp.starts_on)) * 12 + extract(month from age(current_date, cp.starts_on)), 0) / m.term))::int))::date as start,
      (select coalesce(sum((x ->> 'visits')::int), 0) from jsonb_array_elements(cp.includes) x)::int * cp.term_cycles as included
      from (select cp.term_cycles * (case cp.cycle when 'monthly' then 1 when 'quarterly' then 3 else 12 end) as term) m) t) term`

/** A plan of the catalog by id. */
export async function loadPlan(db: Queryable, id: string): Promise<Plan> {
  const r = await db.query<Plan>(`${PLAN_SELECT} where p.id = $1`, [id])
  if (!r.rows[0]) throw notFound('plan', id)
  return r.rows[0]
}

/** A customer's plan by id. */
export async function loadCustomerPlan(db: Queryable, id: string): Promise<CustomerPlan> {
  const r = await db.query<CustomerPlan>(`${CUSTOMER_PLAN_SELECT} where cp.id = $1`, [id])
  if (!r.rows[0]) throw notFound('customer_plan', id)
  return r.rows[0]
}

/** Locks a customer's plan row and reads its status, for a change. */
export async function lockCustomerPlan(db: Queryable, id: string): Promise<{ status: string; contact_id: string }> {
  const r = await db.query<{ status: string; contact_id: string }>(
    `select ${PLAN_STATUS_SQL} as status, cp.contact_id from customer_plans cp where cp.id = $1 for update of cp`,
    [id],
  )
  if (!r.rows[0]) throw notFound('customer_plan', id)
  return r.rows[0]
}
