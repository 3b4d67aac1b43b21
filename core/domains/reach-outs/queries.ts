import { z } from 'zod'
import { notFound } from '../../kernel/errors.js'
import { auditTrailExpansion, calendarDay, timestamp } from '../../kernel/output-types.js'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams, whereAll } from '../../kernel/sql.js'
import { reachOutPeriod } from './batches.js'
import { REACH_OUT_RULE, type ReachOutRule, RULE_COLUMNS, RULE_SELECT, ruleRecord } from './model.js'
import { previewRule, REACH_OUT_PREVIEW } from './preview.js'

/** The business's reach-out rules, on first, then by name. */
export const reachOutRulesQuery = defineQuery({
  type: 'reach_out_rules',
  phrases: ['which automatic reach-outs are on', 'reach-out rules', 'reach out', 'automatic emails', 'campaign rules', 'win back'],
  description:
    'The reach-out rules: who each finds (when), what they read (template_id, subject, body), whether it is on, sends by itself ' +
    '(automatic) up to daily_cap a day, and the batch waiting for the owner. reach_out_preview {reach_out_rule_id} shows who it would email today.',
  entity: 'reach_out_rule',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ status: z.enum(['on', 'off']).optional() }),
  record: REACH_OUT_RULE.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`r.id = ${params.add(req.id)}`)
    if (req.params.status) where.push(`r.status = ${params.add(req.params.status)}`)
    const r = await ctx.db.query(
      `${RULE_SELECT} ${whereAll(where)} order by r.status = 'on' desc, lower(r.name), r.id limit ${req.limit}`,
      params.values,
    )
    return { items: r.rows.map(ruleRecord), next_cursor: null }
  },
})

/** Who a rule would email today and the email they would read: what the owner checks before turning it on. */
export const reachOutPreviewQuery = defineQuery({
  type: 'reach_out_preview',
  phrases: ['who would the reach-out rule email', 'preview the automatic reach-out', 'preview', 'who gets it', 'reach out'],
  description:
    'Who a reach-out rule (reach_out_rule_id, or id; without either, every rule) would email today, in the order they would go ' +
    '(longest since their last visit first), each with why they are due and the subject they would read; the whole email of ' +
    'the first; how many more are due over the daily cap; and how many due customers are left out and why (no email, ' +
    'bounced, opted out, a visit booked, reached within the period). A season_end rule lists who it would reach on its date.',
  access: { agent: 'unrestricted', technician: 'none', idEntity: 'reach_out_rule' },
  params: z.object({
    reach_out_rule_id: z.uuid().optional().describe('One rule'),
    show: z.coerce.number().int().min(1).max(50).optional().describe('Recipients named per rule (default 10)'),
  }),
  record: REACH_OUT_PREVIEW,
  async run(ctx, req) {
    const one = req.id ?? req.params.reach_out_rule_id ?? null
    const rules = await ctx.db.query<ReachOutRule>(
      `select ${RULE_COLUMNS} from reach_out_rules r where ($1::uuid is null or r.id = $1)
        order by r.status = 'on' desc, lower(r.name), r.id limit ${req.limit}`,
      [one],
    )
    const items = []
    for (const rule of rules.rows) items.push(await previewRule(ctx, rule, req.params.show ?? 10))
    return { items, next_cursor: null }
  },
})

/** A day's batch of a rule, with its customers. */
const REACH_OUT_BATCH = z.object({
  id: z.uuid(),
  rule_id: z.uuid(),
  rule_name: z.string(),
  run_on: calendarDay,
  status: z.enum(['waiting', 'sent', 'dismissed']),
  recipient_count: z.number().int(),
  held_back: z.number().int().describe('Due that day but over the daily cap'),
  sent_count: z.number().int().nullable(),
  decided_at: timestamp.nullable(),
  created_at: timestamp,
  recipients: z.array(
    z.object({
      contact_id: z.uuid(),
      name: z.string(),
      why: z.string(),
      message_id: z.uuid().nullable().describe('The email sent, on their timeline; null while waiting or when left out'),
    }),
  ),
})

/** The batches the rules gathered, newest first: those waiting for the owner, and those sent or dismissed. */
export const reachOutBatchesQuery = defineQuery({
  type: 'reach_out_batches',
  phrases: ['reach-outs waiting to be sent', 'what did the reach-out rules send', 'reach out', 'batch', 'waiting', 'sent emails'],
  description:
    'The daily batches of the reach-out rules, newest first, each with its customers and why they are due: status waiting ' +
    '(reach_out_batch.send sends it, reach_out_batch.dismiss drops it), sent (with each email) or dismissed. Filter by status, reach_out_rule_id.',
  entity: 'reach_out_batch',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ status: z.enum(['waiting', 'sent', 'dismissed']).optional(), reach_out_rule_id: z.uuid().optional() }),
  record: REACH_OUT_BATCH.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`b.id = ${params.add(req.id)}`)
    if (req.params.status) where.push(`b.status = ${params.add(req.params.status)}`)
    if (req.params.reach_out_rule_id) where.push(`b.rule_id = ${params.add(req.params.reach_out_rule_id)}`)
    const offset = req.cursor && /^\d+$/.test(req.cursor) ? Number(req.cursor) : 0
    const r = await ctx.db.query(
      `select b.id, b.rule_id, r.name as rule_name, b.run_on::text as run_on, b.status, b.recipient_count, b.held_back, b.sent_count,
              b.decided_at, b.created_at,
              coalesce((select json_agg(json_build_object('contact_id', x.contact_id, 'name', c.display_name, 'why', x.why,
                                                         'message_id', x.message_id) order by c.display_name, x.contact_id)
                          from reach_out_recipients x join contacts c on c.id = x.contact_id where x.batch_id = b.id), '[]') as recipients
         from reach_out_batches b join reach_out_rules r on r.id = b.rule_id ${whereAll(where)}
        order by b.run_on desc, b.created_at desc, b.id limit ${req.limit + 1} offset ${offset}`,
      params.values,
    )
    const more = r.rows.length > req.limit
    return { items: r.rows.slice(0, req.limit), next_cursor: more ? String(offset + req.limit) : null }
  },
})

/** The owner's period: at most one automatic reach-out per customer within it. */
export const reachOutSettingsQuery = defineQuery({
  type: 'reach_out_settings',
  phrases: ['how often may a customer get a reach-out'],
  description: 'period_days: a customer gets at most one automatic reach-out within this many days (reach_out.set_period changes it).',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: z.object({ period_days: z.number().int() }),
  async run(ctx, req) {
    if (req.id) throw notFound('reach_out_settings', req.id)
    return { items: [{ period_days: await reachOutPeriod(ctx.db) }], next_cursor: null }
  },
})
