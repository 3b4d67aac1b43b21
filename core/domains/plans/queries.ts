import { z } from 'zod'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams, whereAll } from '../../kernel/sql.js'
import { CUSTOMER_PLAN, CUSTOMER_PLAN_SELECT, CUSTOMER_PLAN_STATUSES, PLAN, PLAN_SELECT, PLAN_STATUS_SQL } from './model.js'

/** The service plans of the catalog. */
export const plansQuery = defineQuery({
  type: 'plans',
  phrases: [
    'what maintenance plans do we sell',
    'service plan prices',
    'plan',
    'service plan',
    'maintenance plan',
    'membership',
    'subscription',
  ],
  description:
    'The service plans of the catalog: what each cycle includes (services and visits), price per cycle, cycle, term and whether ' +
    'it renews. archived true: those no longer sold.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ archived: z.enum(['true', 'false']).optional().describe('true: only plans no longer sold') }),
  record: PLAN,
  async run(ctx, req) {
    const params = new SqlParams()
    const where = req.id
      ? [`p.id = ${params.add(req.id)}`]
      : [`(p.archived_at is not null) = ${params.add(req.params.archived === 'true')}`]
    const r = await ctx.db.query(`${PLAN_SELECT} ${whereAll(where)} order by lower(p.name), p.id limit ${req.limit}`, params.values)
    return { items: r.rows, next_cursor: null }
  },
})

/** Plans sold to customers, with their card, next charge and this term's visits. */
export const customerPlansQuery = defineQuery({
  type: 'customer_plans',
  phrases: [
    'which customers are on a plan',
    "the customer's plan visits left",
    'when is the next plan charge',
    'customer plan',
    'membership',
    'subscription',
    'plan visits',
    'next charge',
  ],
  description:
    'Plans sold to customers (customer_plan.propose): the terms they were sold on, status (proposed, sent, active, paused, ' +
    'cancelled, ended, declined), the saved card, the next charge date, visits done and left, and the mandate the customer ' +
    'agreed to. Filters: contact_id, plan_id, status.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    contact_id: z.uuid().optional(),
    plan_id: z.uuid().optional(),
    status: z.enum(CUSTOMER_PLAN_STATUSES).optional(),
  }),
  record: CUSTOMER_PLAN,
  async run(ctx, req) {
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`cp.id = ${params.add(req.id)}`)
    if (req.params.contact_id) where.push(`cp.contact_id = ${params.add(req.params.contact_id)}`)
    if (req.params.plan_id) where.push(`cp.plan_id = ${params.add(req.params.plan_id)}`)
    if (req.params.status) where.push(`${PLAN_STATUS_SQL} = ${params.add(req.params.status)}`)
    const r = await ctx.db.query(
      `${CUSTOMER_PLAN_SELECT} ${whereAll(where)} order by cp.created_at desc, cp.id limit ${req.limit}`,
      params.values,
    )
    return { items: r.rows, next_cursor: null }
  },
})
