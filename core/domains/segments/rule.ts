import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { validationError, type FieldIssue } from '../../kernel/errors.js'
import { isoDate } from '../../kernel/schema-types.js'
import { dayRange } from '../../vocabulary/time.js'
import { parseAttributeFilters } from '../attributes/model.js'
import { addressCondition, attributeConditions } from '../contacts/conditions.js'
import { LIFECYCLES } from '../contacts/lifecycle.js'
import { appliesToOf, CUSTOM_VALUES, expectedValue, loadDefinitions } from '../custom-fields/model.js'
import { tagSchema } from '../contacts/model.js'
import type { SqlParams } from '../../kernel/sql.js'
import { servicesById } from '../services/model.js'

const serviceSince = z.strictObject({
  service_id: z.uuid().describe('A catalog service'),
  since: isoDate().optional().describe('Counting only completed visits on or after this local date; left out: ever'),
})

/** Which contacts a rule segment holds: the contacts list's filters, every one given must match. */
export const SEGMENT_RULE = z.strictObject({
  tags: z.array(tagSchema).min(1).max(20).optional().describe('Tags the contact must all have'),
  attributes: z
    .array(z.string().trim().min(1).max(200))
    .min(1)
    .max(10)
    .optional()
    .describe('Attributes the contact must all have: "key" or "key:value", e.g. "pets" or "customer_demographic:elderly"'),
  city: z.string().trim().min(1).max(100).optional().describe('An address in use in this town (any case)'),
  postal_code: z.string().trim().min(1).max(10).optional().describe('An address in use whose postal code starts with this'),
  last_visit_before: isoDate()
    .optional()
    .describe('Latest completed visit earlier than this local date (never-visited contacts do not match)'),
  last_visit_after: isoDate().optional().describe('Latest completed visit later than this local date'),
  had_service: serviceSince.optional().describe('Had a completed visit with this service (since the date, if given)'),
  lacks_service: serviceSince.optional().describe('Had no completed visit with this service (since the date, if given; else never)'),
  spend_over_cents: z.number().int().min(0).max(1e11).optional().describe('Paid more than this in total, in cents'),
  spend_under_cents: z.number().int().min(0).max(1e11).optional().describe('Paid less than this in total, in cents'),
  lifecycle: z.array(z.enum(LIFECYCLES)).min(1).max(3).optional().describe('Any of prospect, customer, past_customer'),
  kind: z.enum(['person', 'organization']).optional(),
  custom_fields: CUSTOM_VALUES.optional().describe(
    'Values of the business\'s own fields the contact must all have, e.g. {"building": "Condo"}',
  ),
})

/** A rule as stored and given back. */
export type SegmentRule = z.output<typeof SEGMENT_RULE>

/** Refuses a rule that names nothing, contradicts itself or names a service the business does not have, field by field. */
export async function checkRule(tx: Queryable, rule: SegmentRule, field = 'data.rule'): Promise<void> {
  const issues: FieldIssue[] = []
  if (!Object.values(rule).some((v) => v !== undefined))
    issues.push({ field, message: 'names no condition: give at least one, e.g. {"city": "Huntsville"}' })
  if (rule.attributes && !parseAttributeFilters(rule.attributes.join(','))) {
    issues.push({
      field: `${field}.attributes`,
      message: 'expected "key" or "key:value" with a snake_case key, e.g. customer_demographic:elderly',
    })
  }
  if (rule.last_visit_before && rule.last_visit_after && rule.last_visit_after >= rule.last_visit_before) {
    issues.push({
      field: `${field}.last_visit_after`,
      message: `must be earlier than last_visit_before (${rule.last_visit_before}), or no contact matches`,
    })
  }
  if (rule.spend_over_cents !== undefined && rule.spend_under_cents !== undefined && rule.spend_over_cents >= rule.spend_under_cents) {
    issues.push({
      field: `${field}.spend_under_cents`,
      message: `must be more than spend_over_cents (${rule.spend_over_cents}), or no contact matches`,
    })
  }
  for (const name of ['had_service', 'lacks_service'] as const) {
    const id = rule[name]?.service_id
    if (!id) continue
    if (!(await servicesById(tx, [id])).has(id))
      issues.push({ field: `${field}.${name}.service_id`, message: `no service with id ${id} in this business` })
  }
  issues.push(...(await customFieldIssues(tx, rule.custom_fields, `${field}.custom_fields`)))
  if (issues.length) throw validationError(issues)
}

/** What is wrong with a rule's custom field values: a key the business has not defined for customers, or a value of another type. */
async function customFieldIssues(tx: Queryable, values: SegmentRule['custom_fields'], field: string): Promise<FieldIssue[]> {
  if (!values) return []
  const defs = await loadDefinitions(tx, appliesToOf('contact'))
  const issues: FieldIssue[] = []
  for (const [key, value] of Object.entries(values)) {
    const def = defs.find((d) => d.key === key)
    if (!def) {
      issues.push({
        field: `${field}.${key}`,
        message: `is not a customer field; fields: ${defs.map((d) => d.key).join(', ') || 'none yet'}`,
      })
      continue
    }
    const fits =
      def.field_type === 'number'
        ? typeof value === 'number'
        : def.field_type === 'yes_no'
          ? typeof value === 'boolean'
          : typeof value === 'string' && (def.field_type !== 'choice' || def.options.includes(value))
    if (!fits) issues.push({ field: `${field}.${key}`, message: expectedValue(def) })
  }
  return issues
}

/**
 * The SQL condition on contacts `c` for a rule, its parameters added to params. Dates are local days of the business's
 * time zone. Each part is an indexed lookup per contact (tickets, line items, invoices, addresses, attributes by contact).
 */
export function ruleCondition(rule: SegmentRule, timezone: string, params: SqlParams): string {
  const arg = (value: unknown) => params.add(value)
  const where: string[] = []
  const start = (day: string) => arg(dayRange(day, timezone).start.toISOString())
  const end = (day: string) => arg(dayRange(day, timezone).end.toISOString())
  if (rule.kind) where.push(`c.kind = ${arg(rule.kind)}`)
  if (rule.lifecycle) where.push(`c.lifecycle = any(${arg(rule.lifecycle)}::text[])`)
  if (rule.tags) where.push(`c.tags @> ${arg(rule.tags)}::text[]`)
  if (rule.attributes) where.push(...attributeConditions(parseAttributeFilters(rule.attributes.join(',')) ?? [], arg))
  if (rule.city || rule.postal_code) where.push(addressCondition(rule.city, rule.postal_code, arg))
  const lastVisit = `(select max(t.scheduled_start) from tickets t where t.contact_id = c.id and t.status = 'completed')`
  if (rule.last_visit_before) where.push(`${lastVisit} < ${start(rule.last_visit_before)}::timestamptz`)
  if (rule.last_visit_after) where.push(`${lastVisit} >= ${end(rule.last_visit_after)}::timestamptz`)
  const visitWith = (s: { service_id: string; since?: string }) =>
    `exists (select 1 from tickets t join ticket_line_items li on li.ticket_id = t.id
      where t.contact_id = c.id and t.status = 'completed' and li.service_id = ${arg(s.service_id)}` +
    `${s.since ? ` and t.scheduled_start >= ${start(s.since)}::timestamptz` : ''})`
  if (rule.had_service) where.push(visitWith(rule.had_service))
  if (rule.lacks_service) where.push(`not ${visitWith(rule.lacks_service)}`)
  const spend = '(select coalesce(sum(i.amount_paid_cents), 0) from invoices i where i.contact_id = c.id)'
  if (rule.spend_over_cents !== undefined) where.push(`${spend} > ${arg(rule.spend_over_cents)}`)
  if (rule.spend_under_cents !== undefined) where.push(`${spend} < ${arg(rule.spend_under_cents)}`)
  for (const [key, value] of Object.entries(rule.custom_fields ?? {})) {
    where.push(`c.id in (select contact_ids_with_custom_value(${arg(key)}, ${arg(JSON.stringify(value))}::jsonb))`)
  }
  return where.length ? where.join('\n and ') : 'true'
}

/** The rule in a few words for pages, e.g. "tagged vip · in Huntsville"; services by name when their names are given. */
export function describeRule(rule: SegmentRule, serviceNames: ReadonlyMap<string, string> = new Map()): string {
  const service = (id: string) => serviceNames.get(id) ?? 'a service'
  const parts: string[] = []
  if (rule.kind) parts.push(rule.kind === 'person' ? 'people' : 'organizations')
  if (rule.lifecycle) parts.push(rule.lifecycle.map((l) => l.replace('_', ' ')).join(' or '))
  if (rule.tags) parts.push(`tagged ${rule.tags.join(', ')}`)
  if (rule.attributes) parts.push(`with ${rule.attributes.join(', ')}`)
  if (rule.city) parts.push(`in ${rule.city}`)
  if (rule.postal_code) parts.push(`postal code ${rule.postal_code}…`)
  if (rule.last_visit_before) parts.push(`last visit before ${rule.last_visit_before}`)
  if (rule.last_visit_after) parts.push(`last visit after ${rule.last_visit_after}`)
  if (rule.had_service)
    parts.push(`had ${service(rule.had_service.service_id)}${rule.had_service.since ? ` since ${rule.had_service.since}` : ''}`)
  if (rule.lacks_service)
    parts.push(
      `without ${service(rule.lacks_service.service_id)}${rule.lacks_service.since ? ` since ${rule.lacks_service.since}` : ' ever'}`,
    )
  if (rule.spend_over_cents !== undefined) parts.push(`spent over ${rule.spend_over_cents / 100}`)
  if (rule.spend_under_cents !== undefined) parts.push(`spent under ${rule.spend_under_cents / 100}`)
  for (const [key, value] of Object.entries(rule.custom_fields ?? {})) parts.push(`${key.replace(/_/g, ' ')}: ${String(value)}`)
  return parts.join(' · ')
}
