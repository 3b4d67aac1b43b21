import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { validationError, type AppError, missingReference } from '../../kernel/errors.js'
import { auditedArchive } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import {
  assertNameFree,
  assertOpen,
  loadSegment,
  refreshSegmentMembers,
  SEGMENT_COLUMNS,
  SEGMENT_KINDS,
  SEGMENT_RECORD,
  SEGMENT_TABLE,
  storeCount,
  type Segment,
} from './model.js'
import { checkRule, SEGMENT_RULE } from './rule.js'
import { BY_AGENT_OR_API, page } from '../../vocabulary/places.js'

const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe('What the owner calls it, e.g. "Huntsville spring route"; unique among segments in use')
const description = noteText(1000).describe('What the list is for')
const RULE_HELP =
  'rule: {tags, attributes ("key"/"key:value"), city, postal_code, last_visit_before, last_visit_after (local dates), ' +
  'had_service / lacks_service {service_id, since?}, spend_over_cents, spend_under_cents, lifecycle [prospect|customer|past_customer], kind}; all given must match'

/** Creates a manual segment (members added by hand) or a rule segment (members computed from the rule now). */
export const createSegment = defineAction({
  key: 'segment.create',
  title: 'Make a segment',
  place: page('/segments', 'New segment'),
  description:
    'Create a segment, a named list of contacts. kind manual: add members with segment.add_members. kind rule: give ' +
    `${RULE_HELP}. Members of a rule segment are computed now and kept current (refreshed daily, before a send, and by segment.refresh).`,
  access: { agent: 'unrestricted', technician: 'none' },
  phrases: ['audience', 'mailing list', 'customer list', 'group of customers', 'segment'],
  input: z.strictObject({
    name,
    description: description.optional(),
    kind: z.enum(SEGMENT_KINDS),
    rule: SEGMENT_RULE.optional().describe('Required for kind rule, refused for kind manual'),
  }),
  output: SEGMENT_RECORD,
  async run(ctx, input) {
    if (input.kind === 'rule' && !input.rule) throw fieldError('data.rule', 'is required for a rule segment')
    if (input.kind === 'manual' && input.rule)
      throw fieldError('data.rule', "is only for kind rule; a manual segment's members are added with segment.add_members")
    if (input.rule) await checkRule(ctx.db, input.rule)
    await assertNameFree(ctx.db, input.name, null)
    const r = await ctx.db.query(
      `insert into segments (tenant_id, name, description, kind, rule, computed_at) values ($1, $2, $3, $4, $5, $6)
      returning ${SEGMENT_COLUMNS}`,
      [ctx.tenantId, input.name, input.description ?? null, input.kind, input.rule ? JSON.stringify(input.rule) : null, ctx.services.now()],
    )
    const segment = input.rule ? await refreshSegmentMembers(ctx.db, r.rows[0] as Segment, ctx.services.now()) : (r.rows[0] as Segment)
    await ctx.audit({ entityType: 'segment', entityId: segment.id, action: 'create', before: null, after: segment })
    return segment
  },
})

/** Renames a segment, rewrites its description, or changes a rule segment's rule (its members are recomputed). */
export const updateSegment = defineAction({
  key: 'segment.update',
  title: 'Change a segment',
  place: BY_AGENT_OR_API,
  description: `Change a segment's name, description (null clears it) or, for a rule segment, its rule (replaced whole; members recomputed). ${RULE_HELP}.`,
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    segment_id: z.uuid(),
    name: name.optional(),
    description: description.nullable().optional(),
    rule: SEGMENT_RULE.optional(),
  }),
  output: SEGMENT_RECORD,
  async run(ctx, input) {
    const before = await loadSegment(ctx.db, input.segment_id, true)
    assertOpen(before)
    if (input.rule && before.kind !== 'rule') throw fieldError('data.rule', 'is only for a rule segment; this one is manual')
    if (input.rule) await checkRule(ctx.db, input.rule)
    if (input.name) await assertNameFree(ctx.db, input.name, before.id)
    const r = await ctx.db.query(`update segments set name = $2, description = $3, rule = $4 where id = $1 returning ${SEGMENT_COLUMNS}`, [
      before.id,
      input.name ?? before.name,
      input.description === undefined ? before.description : input.description,
      input.rule ? JSON.stringify(input.rule) : before.rule === null ? null : JSON.stringify(before.rule),
    ])
    const after = input.rule ? await refreshSegmentMembers(ctx.db, r.rows[0] as Segment, ctx.services.now()) : (r.rows[0] as Segment)
    await ctx.audit({ entityType: 'segment', entityId: before.id, action: 'update', before, after })
    return after
  },
})

/** Recomputes a rule segment's members now. */
export const refreshSegment = defineAction({
  key: 'segment.refresh',
  title: 'Recompute a segment',
  place: page('/segments', 'pick the segment, then Recompute now'),
  description:
    "Recompute a rule segment's members now (they are also recomputed daily and before a send). Returns the segment with " +
    'member_count and computed_at. A manual segment is a VALIDATION_ERROR: its members change only by hand.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ segment_id: z.uuid() }),
  output: SEGMENT_RECORD,
  async run(ctx, input) {
    const before = await loadSegment(ctx.db, input.segment_id, true)
    assertOpen(before)
    if (before.kind !== 'rule') throw fieldError('data.segment_id', 'is a manual segment; only a rule segment is recomputed')
    const after = await refreshSegmentMembers(ctx.db, before, ctx.services.now())
    if (after.member_count !== before.member_count) {
      await ctx.audit({
        entityType: 'segment',
        entityId: before.id,
        action: 'refresh',
        before: { member_count: before.member_count },
        after: { member_count: after.member_count },
      })
    }
    return after
  },
})

/** Hides a segment no longer wanted; its name is free again, and it stays readable by id. */
export const archiveSegment = defineAction({
  key: 'segment.archive',
  title: 'Archive a segment',
  place: BY_AGENT_OR_API,
  description:
    'Archive a segment: it leaves the list (read it with archived=true or by id) and its name can be used again. Contacts are not touched. ' +
    'Archiving twice changes nothing.',
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ segment_id: z.uuid() }),
  output: SEGMENT_RECORD,
  async run(ctx, input) {
    const before = await loadSegment(ctx.db, input.segment_id, true)
    return auditedArchive(ctx, SEGMENT_TABLE, before)
  },
})

const memberChange = z.strictObject({
  segment_id: z.uuid().describe('A manual segment'),
  contact_ids: z.array(z.uuid()).min(1).max(500).describe('1 to 500 contacts'),
})

const MEMBER_CHANGE = SEGMENT_RECORD.extend({ changed: z.number().int().describe('Contacts added (or removed) by this call') })

/** Puts contacts on a manual segment. */
export const addSegmentMembers = defineAction({
  key: 'segment.add_members',
  title: 'Add customers to a segment',
  place: page('/segments', 'pick the segment, then Add'),
  description:
    'Add contacts (contact_ids, 1 to 500) to a manual segment; ones already in it stay. A bulk action: an agent naming more than 5 ' +
    "contacts waits for the owner's approval. Returns the segment and how many were added.",
  access: { agent: 'unrestricted', technician: 'none', bulk: (input) => new Set(input.contact_ids).size },
  idempotent: true,
  input: memberChange,
  output: MEMBER_CHANGE,
  shortAnswer: ['changed', 'member_count'],
  async run(ctx, input) {
    const before = await manualSegment(ctx, input.segment_id)
    const ids = [...new Set(input.contact_ids)]
    const found = await ctx.db.query<{ id: string; merged_into: string | null }>(
      'select id, merged_into from contacts where id = any($1::uuid[])',
      [ids],
    )
    const known = new Map(found.rows.map((row) => [row.id, row]))
    const missing = ids.find((id) => !known.has(id))
    if (missing) throw missingReference('contact', missing, 'data.contact_ids')
    const merged = ids.find((id) => known.get(id)?.merged_into)
    if (merged)
      throw fieldError('data.contact_ids', `contact ${merged} was merged into ${known.get(merged)?.merged_into}; add that contact instead`)
    const r = await ctx.db.query<{ contact_id: string }>(
      `insert into segment_members (tenant_id, segment_id, contact_id, added_at)
      select $1, $2, unnest($3::uuid[]), $4 on conflict do nothing returning contact_id`,
      [ctx.tenantId, before.id, ids, ctx.services.now()],
    )
    return changed(
      ctx,
      before,
      'add_members',
      r.rows.map((row) => row.contact_id),
    )
  },
})

/** Takes contacts off a manual segment. */
export const removeSegmentMembers = defineAction({
  key: 'segment.remove_members',
  title: 'Remove customers from a segment',
  place: page('/segments', 'pick the segment, then Remove'),
  description:
    'Remove contacts (contact_ids, 1 to 500) from a manual segment; ones not in it are ignored. The contacts themselves are not touched. ' +
    "A bulk action: an agent naming more than 5 contacts waits for the owner's approval.",
  access: { agent: 'unrestricted', technician: 'none', bulk: (input) => new Set(input.contact_ids).size },
  idempotent: true,
  input: memberChange,
  output: MEMBER_CHANGE,
  shortAnswer: ['changed', 'member_count'],
  async run(ctx, input) {
    const before = await manualSegment(ctx, input.segment_id)
    const r = await ctx.db.query<{ contact_id: string }>(
      `delete from segment_members where segment_id = $1 and contact_id = any($2::uuid[])
      returning contact_id`,
      [before.id, [...new Set(input.contact_ids)]],
    )
    return changed(
      ctx,
      before,
      'remove_members',
      r.rows.map((row) => row.contact_id),
    )
  },
})

/** The manual segment, locked, open for changes; a rule segment's members follow its rule. */
async function manualSegment(ctx: OperationContext, id: string): Promise<Segment> {
  const segment = await loadSegment(ctx.db, id, true)
  assertOpen(segment)
  if (segment.kind !== 'manual')
    throw fieldError('data.segment_id', `"${segment.name}" is a rule segment: its members follow its rule; change the rule instead`)
  return segment
}

/** Stores the new count and audits which contacts came or went; a call that changed nothing writes nothing. */
async function changed(ctx: OperationContext, before: Segment, action: string, ids: string[]) {
  if (!ids.length) return { ...before, changed: 0 }
  const after = await storeCount(ctx.db, before.id, ctx.services.now())
  await ctx.audit({
    entityType: 'segment',
    entityId: before.id,
    action,
    before: { member_count: before.member_count },
    after: { member_count: after.member_count, contact_ids: ids },
  })
  return { ...after, changed: ids.length }
}

function fieldError(field: string, message: string): AppError {
  return validationError([{ field, message }])
}
