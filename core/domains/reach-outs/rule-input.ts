import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { type FieldIssue, validationError } from '../../kernel/errors.js'
import { noteText } from '../../kernel/sanitize.js'
import { usableTemplate } from '../messages/actions.js'
import { assertTemplateTexts } from '../messages/template-texts.js'
import { TRIGGERS, type Trigger } from './model.js'
import { servicesById } from '../services/model.js'

/** The fields a rule is made of, as its create and update take them. */
export const RULE_FIELDS = {
  name: z.string().trim().min(1).max(120).describe('How the owner knows it, e.g. "Six months since the last clean"'),
  trigger: z
    .enum(TRIGGERS)
    .describe(
      'no_visit: no completed visit in `months`; service_due: the last completed visit with service_id was `months` ago or more; ' +
        'neighborhood_drop: the customers of neighborhoods whose visits booked this month fell by drop_percent or more against ' +
        'the same month last year (at least 3 then); season_end: once a year on season_end (MM-DD), the customers of the last 12 months',
    ),
  months: z.number().int().min(1).max(60).optional().describe('For no_visit and service_due'),
  service_id: z.uuid().optional().describe('For service_due: a catalog service'),
  drop_percent: z.number().int().min(1).max(100).optional().describe('For neighborhood_drop, e.g. 30'),
  season_end: z.string().trim().max(5).optional().describe('For season_end: the month and day, MM-DD, e.g. "06-30"'),
  segment_id: z.uuid().optional().describe('Only members of this segment'),
  template_id: z.uuid().optional().describe('A reach_out or custom template; left out: the default reach-out template'),
  subject: noteText(300).optional().describe("Replaces the template's subject; may use {{variables}}"),
  body: noteText(5000).optional().describe('Inserted as {{custom_message}}; may use {{variables}}'),
  daily_cap: z.number().int().min(1).max(500).optional().describe('At most this many customers a day (default 20)'),
}

/** Which fields each trigger takes (and needs): the others must be left out. */
const TRIGGER_FIELDS: Record<Trigger, ReadonlyArray<'months' | 'service_id' | 'drop_percent' | 'season_end'>> = {
  no_visit: ['months'],
  service_due: ['months', 'service_id'],
  neighborhood_drop: ['drop_percent'],
  season_end: ['season_end'],
}

/** The days each month may have, February with its 29th (a rule on it fires on March 1 in other years' passes). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** A rule's fields as they will be stored, whichever call gives them. */
export type RuleFields = {
  trigger: Trigger
  months?: number | null
  service_id?: string | null
  drop_percent?: number | null
  season_end?: string | null
  segment_id?: string | null
  template_id?: string | null
  subject?: string | null
  body?: string | null
}

/** Refuses a rule its trigger cannot read, a service, segment or template the business lacks, or words a template cannot hold, field by field. */
export async function checkRuleFields(ctx: OperationContext, rule: RuleFields): Promise<void> {
  assertTemplateTexts({ 'data.subject': rule.subject, 'data.body': rule.body })
  const issues: FieldIssue[] = []
  const wanted = TRIGGER_FIELDS[rule.trigger]
  for (const name of ['months', 'service_id', 'drop_percent', 'season_end'] as const) {
    const given = rule[name] !== undefined && rule[name] !== null
    if (wanted.includes(name) && !given) issues.push({ field: `data.${name}`, message: `is required for trigger ${rule.trigger}` })
    if (!wanted.includes(name) && given)
      issues.push({ field: `data.${name}`, message: `is not read by trigger ${rule.trigger}: leave it out` })
  }
  if (rule.season_end) {
    const m = /^(\d\d)-(\d\d)$/.exec(rule.season_end)
    const month = m ? Number(m[1]) : 0
    const day = m ? Number(m[2]) : 0
    if (!m || month < 1 || month > 12 || day < 1 || day > MONTH_DAYS[month - 1])
      issues.push({ field: 'data.season_end', message: 'expected a month and day as MM-DD, e.g. 06-30' })
  }
  if (rule.service_id) {
    if (!(await servicesById(ctx.db, [rule.service_id])).has(rule.service_id))
      issues.push({ field: 'data.service_id', message: `no service with id ${rule.service_id} in this business` })
  }
  if (rule.segment_id) {
    const r = await ctx.db.query('select archived_at from segments where id = $1', [rule.segment_id])
    if (!r.rows[0]) issues.push({ field: 'data.segment_id', message: `no segment with id ${rule.segment_id} in this business` })
    else if (r.rows[0].archived_at) issues.push({ field: 'data.segment_id', message: `segment ${rule.segment_id} is archived` })
  }
  if (issues.length) throw validationError(issues)
  if (rule.template_id) await usableTemplate(ctx, rule.template_id, 'reach_out')
}
