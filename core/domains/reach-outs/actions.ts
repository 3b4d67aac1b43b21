import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { setClause } from '../../kernel/sql.js'
import { loadTenantSettings } from '../settings/model.js'
import { loadRule, lockRule, REACH_OUT_RULE, type ReachOutRule, RULE_SELECT, ruleRecord } from './model.js'
import { previewCard, previewRule } from './preview.js'
import { checkRuleFields, RULE_FIELDS } from './rule-input.js'

/** The rule as REACH_OUT_RULE reads it, by id. */
async function readRule(db: Queryable, id: string) {
  return ruleRecord((await db.query(`${RULE_SELECT} where r.id = $1`, [id])).rows[0])
}

/** Adds a reach-out rule, off: reach_out_preview shows who it would email, reach_out_rule.turn_on starts it. */
export const createReachOutRule = defineAction({
  key: 'reach_out_rule.create',
  example: { name: 'Six months since the last clean', trigger: 'no_visit', months: 6 },
  phrases: [
    'remind customers who have not booked in six months',
    'email customers when their gutter cleaning is due',
    'reach out',
    'win back',
    'campaign',
    'automatic email',
    'reminder',
    'lapsed customers',
    'season',
  ],
  title: 'Add a reach-out rule',
  place: page('/reach-outs', 'fill in New rule'),
  words: { phrase: 'add rules that find customers due for a reach-out' },
  description:
    'Add a rule that finds, each day, the customers due for a reach-out email: trigger no_visit (months), service_due (service_id, ' +
    'months), neighborhood_drop (drop_percent) or season_end (season_end MM-DD); segment_id narrows it; template_id (reach_out or ' +
    'custom), subject and body say what they read; daily_cap (default 20). It starts off: reach_out_preview {reach_out_rule_id} shows who it ' +
    'would email today and the email they would read, and reach_out_rule.turn_on starts it.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['subject', 'body'] } },
  input: z.strictObject(RULE_FIELDS),
  output: REACH_OUT_RULE,
  async run(ctx, input) {
    await checkRuleFields(ctx, input)
    await assertNameFree(ctx.db, input.name, null)
    const r = await ctx.db.query<{ id: string }>(
      `insert into reach_out_rules (tenant_id, name, trigger, months, service_id, drop_percent, season_end, segment_id, template_id,
         subject, body, daily_cap) values (app_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, 20)) returning id`,
      [
        input.name,
        input.trigger,
        input.months ?? null,
        input.service_id ?? null,
        input.drop_percent ?? null,
        input.season_end ?? null,
        input.segment_id ?? null,
        input.template_id ?? null,
        input.subject ?? null,
        input.body ?? null,
        input.daily_cap ?? null,
      ],
    )
    const rule = await readRule(ctx.db, r.rows[0].id)
    await ctx.audit({ entityType: 'reach_out_rule', entityId: rule.id, action: 'create', after: rule })
    return rule
  },
})

/** Refuses a name another rule of the business has (any case). */
async function assertNameFree(db: Queryable, name: string, except: string | null) {
  const r = await db.query('select 1 from reach_out_rules where lower(name) = lower($1) and id is distinct from $2', [name, except])
  if (r.rows[0]) throw new AppError('CONFLICT', `A reach-out rule is already named "${name}"`, { field: 'data.name' })
}

/** Changes a rule that is off; one that is on is turned off first, so its next start shows its preview again. */
export const updateReachOutRule = defineAction({
  key: 'reach_out_rule.update',
  example: { reach_out_rule_id: '00000000-0000-4000-8000-000000000001', months: 9 },
  phrases: ['change who the reach-out rule emails', 'change the words of the reach-out'],
  title: 'Change a reach-out rule',
  place: page('/reach-outs', 'open the rule, then Change'),
  words: { phrase: 'change reach-out rules that are off' },
  description:
    'Change a reach-out rule that is off (turn it off first): any field of reach_out_rule.create; null clears segment_id, ' +
    'template_id, subject or body. A different trigger needs its own fields, and the old ones null.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['subject', 'body'] } },
  idempotent: true,
  input: z.strictObject({
    reach_out_rule_id: z.uuid(),
    name: RULE_FIELDS.name.optional(),
    trigger: RULE_FIELDS.trigger.optional(),
    months: RULE_FIELDS.months.unwrap().nullable().optional(),
    service_id: z.uuid().nullable().optional(),
    drop_percent: RULE_FIELDS.drop_percent.unwrap().nullable().optional(),
    season_end: RULE_FIELDS.season_end.unwrap().nullable().optional(),
    segment_id: z.uuid().nullable().optional(),
    template_id: z.uuid().nullable().optional(),
    subject: RULE_FIELDS.subject.unwrap().nullable().optional(),
    body: RULE_FIELDS.body.unwrap().nullable().optional(),
    daily_cap: RULE_FIELDS.daily_cap.unwrap().optional(),
  }),
  output: REACH_OUT_RULE,
  async run(ctx, { reach_out_rule_id, ...given }) {
    const before = await lockRule(ctx.db, reach_out_rule_id)
    if (before.status === 'on')
      throw new AppError('CONFLICT', 'This rule is on: turn it off first (reach_out_rule.turn_off), then change it and turn it on again', {
        field: 'data.reach_out_rule_id',
      })
    const changes = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
    const next = { ...before, ...changes } as ReachOutRule
    await checkRuleFields(ctx, next)
    if (changes.name !== undefined) await assertNameFree(ctx.db, String(changes.name), reach_out_rule_id)
    const { sets, values } = setClause(changes)
    if (sets.length)
      await ctx.db.query(`update reach_out_rules set ${sets.join(', ')}, updated_at = now() where id = $${values.length + 1}`, [
        ...values,
        reach_out_rule_id,
      ])
    const after = await readRule(ctx.db, reach_out_rule_id)
    await ctx.audit({ entityType: 'reach_out_rule', entityId: reach_out_rule_id, action: 'update', before, after })
    return after
  },
})

const turnOnInput = z.strictObject({
  reach_out_rule_id: z.uuid(),
  automatic: z
    .boolean()
    .default(false)
    .describe("false (the default): each day's batch waits for the owner; true: it is sent by itself, up to daily_cap a day"),
  daily_cap: RULE_FIELDS.daily_cap,
})

/** Starts a rule: from the next daily run it gathers its due customers each day. */
export const turnOnReachOutRule = defineAction({
  key: 'reach_out_rule.turn_on',
  example: { reach_out_rule_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['start the reach-out rule', 'send the reminders every day'],
  title: 'Turn a reach-out rule on',
  place: page('/reach-outs', 'open the rule, then Turn on'),
  words: { phrase: 'turn reach-out rules on' },
  description:
    'Turn a reach-out rule on. Each day from 9:00 (business time) it gathers up to daily_cap due customers into a batch: with ' +
    'automatic false (the default) the batch waits for the owner (reach_out_batch.send); with automatic true it is sent by itself. ' +
    "The owner sees reach_out_preview's list and email first: an agent's call waits for the owner every time.",
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    ownerApproves: {
      fields: ['automatic'],
      why: "decides whether the rule's emails go to customers without the owner seeing each day's batch",
    },
  },
  idempotent: true,
  input: turnOnInput,
  output: REACH_OUT_RULE,
  async preview(ctx, input) {
    const rule = { ...(await loadRule(ctx.db, input.reach_out_rule_id)) }
    if (input.daily_cap) rule.daily_cap = input.daily_cap
    const settings = await loadTenantSettings(ctx.db)
    const how = input.automatic ? `sent by itself, up to ${rule.daily_cap} a day` : `each day's batch waiting for you`
    return previewCard(await previewRule(ctx, rule, 10), `Turn on the reach-out rule "${rule.name}" (${how})`, settings)
  },
  async run(ctx, input) {
    const before = await lockRule(ctx.db, input.reach_out_rule_id)
    const cap = input.daily_cap ?? before.daily_cap
    // Asked again as it already is, nothing changes.
    if (before.status === 'on' && before.automatic === input.automatic && before.daily_cap === cap)
      return readRule(ctx.db, input.reach_out_rule_id)
    await ctx.db.query(`update reach_out_rules set status = 'on', automatic = $2, daily_cap = $3, updated_at = now() where id = $1`, [
      input.reach_out_rule_id,
      input.automatic,
      cap,
    ])
    const after = await readRule(ctx.db, input.reach_out_rule_id)
    await ctx.audit({ entityType: 'reach_out_rule', entityId: input.reach_out_rule_id, action: 'turn_on', before, after })
    return after
  },
})

/** Stops a rule: it gathers nobody more; a batch already waiting still waits for the owner. */
export const turnOffReachOutRule = defineAction({
  key: 'reach_out_rule.turn_off',
  example: { reach_out_rule_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['stop the reach-out rule', 'pause the automatic emails'],
  title: 'Turn a reach-out rule off',
  place: page('/reach-outs', 'open the rule, then Turn off'),
  words: { phrase: 'turn reach-out rules off' },
  description: 'Turn a reach-out rule off: it gathers nobody more. A batch already waiting stays for the owner to send or dismiss.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ reach_out_rule_id: z.uuid() }),
  output: REACH_OUT_RULE,
  async run(ctx, input) {
    const before = await lockRule(ctx.db, input.reach_out_rule_id)
    if (before.status === 'on') {
      await ctx.db.query(`update reach_out_rules set status = 'off', updated_at = now() where id = $1`, [input.reach_out_rule_id])
      await ctx.audit({
        entityType: 'reach_out_rule',
        entityId: input.reach_out_rule_id,
        action: 'turn_off',
        before: { status: 'on' },
        after: { status: 'off' },
      })
    }
    return readRule(ctx.db, input.reach_out_rule_id)
  },
})

/** Sets the owner's period: a customer gets at most one automatic reach-out in it. */
export const setReachOutPeriod = defineAction({
  key: 'reach_out.set_period',
  example: { days: 30 },
  phrases: ['how often may a customer get a reach-out', 'no more than one reminder a month'],
  title: 'Set how often a customer may be reached',
  place: page('/reach-outs', 'fill in At most one reach-out every'),
  words: { phrase: 'set how often one customer may get an automatic reach-out' },
  description:
    'A customer gets at most one automatic reach-out (from any rule, or a close-out\'s "reach out in N months") within this many ' +
    "days, 1 to 365 (default 30). A shorter period emails customers more often: an agent's call waits for the owner.",
  access: { agent: 'requires_authorization', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ days: z.number().int().min(1).max(365) }),
  output: z.object({ days: z.number().int() }),
  async run(ctx, input) {
    const r = await ctx.db.query<{ before: number }>(
      'select reach_out_period_days as before from tenants where id = app_tenant() for update',
    )
    if (r.rows[0]?.before !== input.days) {
      await ctx.db.query('update tenants set reach_out_period_days = $1 where id = app_tenant()', [input.days])
      await ctx.audit({
        entityType: 'tenant',
        entityId: ctx.tenantId,
        action: 'update',
        before: { reach_out_period_days: r.rows[0]?.before },
        after: { reach_out_period_days: input.days },
      })
    }
    return { days: input.days }
  },
})
