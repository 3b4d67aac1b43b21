import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { AppError, notFound } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import type { RecordKind } from '../../vocabulary/records.js'
import { loadTenantSettings } from '../settings/model.js'
import { ruleCondition, SEGMENT_RULE, type SegmentRule } from './rule.js'
import { SqlParams } from '../../kernel/sql.js'

/** A manual segment holds the contacts put in it; a rule segment the contacts its rule matched when last computed. */
export const SEGMENT_KINDS = ['manual', 'rule'] as const

/** The columns of a segment as the API shows it. */
export const SEGMENT_COLUMNS = 'id, name, description, kind, rule, member_count, computed_at, archived_at, created_at, updated_at'

/** Where segments live, for the records helper. */
export const SEGMENT_TABLE: RecordKind = { table: 'segments', columns: SEGMENT_COLUMNS, entity: 'segment' }

/** A segment as the API shows it (SEGMENT_COLUMNS). */
export const SEGMENT_RECORD = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(SEGMENT_KINDS),
  rule: SEGMENT_RULE.nullable(),
  member_count: z.number().int().describe('Members when last computed (a rule segment) or changed (a manual one)'),
  computed_at: timestamp.nullable().describe('When the members were last computed or changed'),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** A segment row. */
export type Segment = z.output<typeof SEGMENT_RECORD>

/** One segment, locked for a change when asked; NOT_FOUND when there is none. */
export async function loadSegment(tx: Queryable, id: string, lock = false, field = 'data.segment_id'): Promise<Segment> {
  const r = await tx.query(`select ${SEGMENT_COLUMNS} from segments where id = $1 ${lock ? 'for update' : ''}`, [id])
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `${field}: no segment with id ${id}`, { entity: 'segment', id, field })
  return r.rows[0] as Segment
}

/** Refuses a change to an archived segment. */
export function assertOpen(segment: Segment): void {
  if (segment.archived_at)
    throw new AppError('CONFLICT', `Segment "${segment.name}" is archived; it can no longer change`, { segment_id: segment.id })
}

/** Refuses a name another segment in use already has, naming the field. */
export async function assertNameFree(tx: Queryable, name: string, exceptId: string | null): Promise<void> {
  const r = await tx.query('select id from segments where lower(name) = lower($1) and archived_at is null and id is distinct from $2', [
    name.trim(),
    exceptId,
  ])
  if (r.rows[0])
    throw new AppError('CONFLICT', `data.name: a segment called "${name.trim()}" already exists (id ${r.rows[0].id})`, {
      field: 'data.name',
      id: r.rows[0].id,
    })
}

/**
 * Recomputes a rule segment's members at `now`: those no longer matching leave, new matches join, and the count and
 * computed_at are stored. One pass over the business's contacts, each condition an indexed lookup per contact.
 */
export async function refreshSegmentMembers(tx: Queryable, segment: { id: string; rule: SegmentRule | null }, now: Date): Promise<Segment> {
  if (!segment.rule) throw notFound('rule segment', segment.id)
  const { timezone } = await loadTenantSettings(tx)
  const params = new SqlParams()
  const condition = ruleCondition(segment.rule, timezone, params)
  const [id, at] = [params.add(segment.id), params.add(now)]
  await tx.query(
    `with matches as (select c.id from contacts c where c.merged_into is null and c.archived_at is null and ${condition}),
      gone as (delete from segment_members m where m.segment_id = ${id} and m.contact_id not in (select x.id from matches x))
    insert into segment_members (tenant_id, segment_id, contact_id, added_at)
    select app_tenant(), ${id}, x.id, ${at} from matches x on conflict do nothing`,
    params.values,
  )
  return storeCount(tx, segment.id, now)
}

/** Stores a segment's member count (members not merged away) as of `now`. */
export async function storeCount(tx: Queryable, segmentId: string, now: Date): Promise<Segment> {
  const r = await tx.query(
    `update segments s set member_count = (select count(*) from segment_members m join contacts c on c.id = m.contact_id
      where m.segment_id = s.id and c.merged_into is null), computed_at = $2 where s.id = $1 returning ${SEGMENT_COLUMNS}`,
    [segmentId, now],
  )
  return r.rows[0] as Segment
}
