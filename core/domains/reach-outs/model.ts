import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'

/** What makes a customer due: time since their last visit, since their last visit of one service, their neighborhood's bookings falling, a season's end. */
export const TRIGGERS = ['no_visit', 'service_due', 'neighborhood_drop', 'season_end'] as const

/** One of the triggers. */
export type Trigger = (typeof TRIGGERS)[number]

/** A reach-out rule as stored. */
export type ReachOutRule = {
  id: string
  name: string
  trigger: Trigger
  months: number | null
  service_id: string | null
  drop_percent: number | null
  season_end: string | null
  segment_id: string | null
  template_id: string | null
  subject: string | null
  body: string | null
  status: 'off' | 'on'
  automatic: boolean
  daily_cap: number
  last_run_on: string | null
}

/** The rule's columns, dates as text. */
export const RULE_COLUMNS = `r.id, r.name, r.trigger, r.months, r.service_id, r.drop_percent, r.season_end, r.segment_id, r.template_id,
  r.subject, r.body, r.status, r.automatic, r.daily_cap, r.last_run_on::text as last_run_on, r.created_at, r.updated_at`

/** A rule as the owner and the agent read it. */
export const REACH_OUT_RULE = z.object({
  id: z.uuid(),
  name: z.string(),
  trigger: z.enum(TRIGGERS),
  when: z.string().describe('Who is due, in words, e.g. "no visit in 6 months"'),
  months: z.number().int().nullable(),
  service_id: z.uuid().nullable(),
  service_name: z.string().nullable(),
  drop_percent: z.number().int().nullable(),
  season_end: z.string().nullable().describe('MM-DD'),
  segment_id: z.uuid().nullable(),
  segment_name: z.string().nullable(),
  template_id: z.uuid().nullable(),
  template_name: z.string().nullable(),
  subject: z.string().nullable(),
  body: z.string().nullable(),
  status: z.enum(['off', 'on']),
  automatic: z.boolean().describe("true: each day's batch is sent without asking, up to daily_cap; false: it waits for the owner"),
  daily_cap: z.number().int(),
  last_run_on: calendarDay.nullable(),
  waiting_batch_id: z.uuid().nullable().describe('A batch waiting for the owner, sent by reach_out_batch.send'),
  created_at: timestamp,
  updated_at: timestamp,
})

/** The rule with the names of what it points at, as REACH_OUT_RULE reads it (without `when`). */
export const RULE_SELECT = `select ${RULE_COLUMNS},
    (select s.name from services s where s.id = r.service_id) as service_name,
    (select g.name from segments g where g.id = r.segment_id) as segment_name,
    (select t.name from message_templates t where t.id = r.template_id) as template_name,
    (select b.id from reach_out_batches b where b.rule_id = r.id and b.status = 'waiting' order by b.run_on desc limit 1) as waiting_batch_id
  from reach_out_rules r`

/** A rule read for a change (locked), or NOT_FOUND. */
export async function lockRule(tx: Queryable, id: string): Promise<ReachOutRule> {
  return loadRule(tx, id, ' for update')
}

/** A rule, or NOT_FOUND (field data.reach_out_rule_id). */
export async function loadRule(tx: Queryable, id: string, lock = ''): Promise<ReachOutRule> {
  const r = await tx.query<ReachOutRule>(`select ${RULE_COLUMNS} from reach_out_rules r where r.id = $1${lock}`, [id])
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `No reach-out rule with id ${id}`, { field: 'data.reach_out_rule_id' })
  return r.rows[0]
}

/** Who a rule is for, in a few words, e.g. "no visit in 6 months" or "last Gutter cleaning 12 months ago". */
export function triggerWords(
  rule: Pick<ReachOutRule, 'trigger' | 'months' | 'drop_percent' | 'season_end'>,
  serviceName?: string | null,
): string {
  const months = (n: number | null) => `${n} month${n === 1 ? '' : 's'}`
  switch (rule.trigger) {
    case 'no_visit':
      return `no visit in ${months(rule.months)}`
    case 'service_due':
      return `last ${serviceName ?? 'visit of the service'} ${months(rule.months)} ago or more`
    case 'neighborhood_drop':
      return `their neighborhood's visits this month fell by ${rule.drop_percent}% or more against the same days last year`
    case 'season_end':
      return `the season ends on ${seasonEndWords(rule.season_end ?? '01-01')} (customers of the last 12 months)`
  }
}

/** "06-30" as "June 30". */
export function seasonEndWords(mmdd: string): string {
  const [m, d] = mmdd.split('-').map(Number)
  return `${new Date(Date.UTC(2000, m - 1, d)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })} ${d}`
}

/** A rule as REACH_OUT_RULE gives it. */
export function ruleRecord(row: Record<string, unknown>): z.output<typeof REACH_OUT_RULE> {
  const rule = row as unknown as ReachOutRule & { service_name: string | null }
  return { ...(row as z.output<typeof REACH_OUT_RULE>), when: triggerWords(rule, rule.service_name) }
}
