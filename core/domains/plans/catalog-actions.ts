import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { MAX_CENTS } from '../../vocabulary/money.js'
import { CYCLES } from '../../vocabulary/plan-cycles.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { setClause } from '../../kernel/sql.js'
import { loadTenantSettings } from '../settings/model.js'
import { INCLUDES, loadPlan, PLAN } from './model.js'
import { servicesById } from '../services/model.js'

const WORDS = { area: 'Your business' } as const

/** Why a plan's price is the owner's to set, in the words of the approval card. */
const PRICE_WHY = 'sets what customers on the plan are charged every cycle'

const planFields = {
  name: z.string().trim().min(1).max(120),
  description: noteText(2000).optional().describe('What the customer reads about the plan on its page'),
  includes: INCLUDES.min(1).describe('The services each cycle includes and how many visits of each'),
  price_cents: z.number().int().min(1).max(MAX_CENTS).describe('Charged each cycle, in cents'),
  cycle: z.enum(CYCLES),
  term_cycles: z.number().int().min(1).max(120).describe('Cycles in one term, e.g. 12 monthly cycles for a year'),
  renews: z.boolean().default(true).describe('true: a term that ends starts another; false: the plan ends with its term'),
}

/** Refuses services the business does not have, naming each. */
async function checkServices(db: Queryable, includes: Array<{ service_id: string }>): Promise<void> {
  const ids = includes.map((i) => i.service_id)
  if (new Set(ids).size !== ids.length) throw validationError([{ field: 'data.includes', message: 'names a service twice' }])
  const known = await servicesById(db, ids)
  const missing = includes.findIndex((i) => !known.has(i.service_id))
  if (missing >= 0) throw validationError([{ field: `data.includes.${missing}.service_id`, message: 'is not a service of this business' }])
}

/** Refuses a name another plan of the catalog has (any case). */
async function assertNameFree(db: Queryable, name: string, except: string | null) {
  const r = await db.query('select 1 from plans where lower(name) = lower($1) and archived_at is null and id is distinct from $2', [
    name,
    except,
  ])
  if (r.rows[0]) throw new AppError('CONFLICT', `A plan is already named "${name}"`, { field: 'data.name' })
}

/** Adds a service plan to the catalog. */
export const createPlan = defineAction({
  key: 'plan.create',
  example: {
    name: 'Monthly windows',
    includes: [{ service_id: '00000000-0000-4000-8000-000000000001', visits: 1 }],
    price_cents: 4500,
    cycle: 'monthly',
    term_cycles: 12,
  },
  phrases: ['add a maintenance plan', 'offer a monthly window cleaning subscription'],
  title: 'Add a service plan',
  place: page('/plans', 'fill in New plan'),
  words: { ...WORDS, phrase: 'add service plans' },
  description:
    'Add a service plan to the catalog: name, description, includes (services and visits of each per cycle), price_cents per ' +
    'cycle (monthly, quarterly or yearly), term_cycles and renews. Sell it with customer_plan.propose. The price is the ' +
    "owner's: an agent's call waits for the owner every time.",
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    ownerApproves: { fields: ['price_cents'], why: PRICE_WHY },
    customerText: { reviewed: ['description'], names: ['name'] },
  },
  input: z.strictObject(planFields),
  output: PLAN,
  async run(ctx, input) {
    await checkServices(ctx.db, input.includes)
    await assertNameFree(ctx.db, input.name, null)
    const settings = await loadTenantSettings(ctx.db)
    const r = await ctx.db.query<{ id: string }>(
      `insert into plans (tenant_id, name, description, includes, price_cents, currency, cycle, term_cycles, renews)
       values (app_tenant(), $1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [
        input.name,
        input.description ?? null,
        JSON.stringify(input.includes),
        input.price_cents,
        settings.currency,
        input.cycle,
        input.term_cycles,
        input.renews,
      ],
    )
    const plan = await loadPlan(ctx.db, r.rows[0].id)
    await ctx.audit({ entityType: 'plan', entityId: plan.id, action: 'create', after: plan })
    return plan
  },
})

/** Changes a plan of the catalog; the customers who bought it keep the terms they bought. */
export const updatePlan = defineAction({
  key: 'plan.update',
  example: { plan_id: '00000000-0000-4000-8000-000000000001', price_cents: 4900 },
  phrases: ['change the price of the plan', 'rename the maintenance plan'],
  title: 'Change a service plan',
  place: page('/plans', 'open the plan, then Change'),
  words: { ...WORDS, phrase: 'change service plans' },
  description:
    'Change a plan of the catalog (any field of plan.create). It reaches plans sold from now on; customers already on it keep ' +
    "their terms (customer_plan.change_price changes one). A price is the owner's: an agent's call giving price_cents waits for the owner every time.",
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    ownerApproves: { fields: ['price_cents'], why: PRICE_WHY },
    customerText: { reviewed: ['description'], names: ['name'] },
  },
  idempotent: true,
  input: z.strictObject({
    plan_id: z.uuid(),
    name: planFields.name.optional(),
    description: planFields.description.unwrap().nullable().optional(),
    includes: planFields.includes.optional(),
    price_cents: planFields.price_cents.optional(),
    cycle: planFields.cycle.optional(),
    term_cycles: planFields.term_cycles.optional(),
    renews: z.boolean().optional(),
  }),
  output: PLAN,
  async run(ctx, { plan_id, ...given }) {
    const before = await loadPlan(ctx.db, plan_id)
    if (before.archived_at) throw new AppError('CONFLICT', `The plan "${before.name}" is archived`, { field: 'data.plan_id' })
    if (given.includes) await checkServices(ctx.db, given.includes)
    if (given.name !== undefined) await assertNameFree(ctx.db, given.name, plan_id)
    const changes: Record<string, unknown> = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
    if (changes.includes) changes.includes = JSON.stringify(changes.includes)
    const { sets, values } = setClause(changes)
    if (sets.length) await ctx.db.query(`update plans set ${sets.join(', ')} where id = $${values.length + 1}`, [...values, plan_id])
    const after = await loadPlan(ctx.db, plan_id)
    if (sets.length) await ctx.audit({ entityType: 'plan', entityId: plan_id, action: 'update', before, after })
    return after
  },
})

/** Takes a plan out of the catalog; the customers on it keep it. */
export const archivePlan = defineAction({
  key: 'plan.archive',
  example: { plan_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['stop selling the plan'],
  title: 'Stop selling a plan',
  place: page('/plans', 'open the plan, then Stop selling'),
  words: { ...WORDS, phrase: 'stop selling service plans' },
  description: 'Take a plan out of the catalog: it is sold no more; customers on it keep it until it ends or is cancelled.',
  access: { agent: 'requires_authorization', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ plan_id: z.uuid() }),
  output: PLAN,
  async run(ctx, input) {
    const before = await loadPlan(ctx.db, input.plan_id)
    if (!before.archived_at) {
      await ctx.db.query('update plans set archived_at = now() where id = $1', [input.plan_id])
      await ctx.audit({
        entityType: 'plan',
        entityId: input.plan_id,
        action: 'archive',
        before: { archived_at: null },
        after: { archived: true },
      })
    }
    return loadPlan(ctx.db, input.plan_id)
  },
})
