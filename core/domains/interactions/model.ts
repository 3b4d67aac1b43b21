import { z } from 'zod'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import type { RecordKind } from '../../vocabulary/records.js'

/** What kind of exchange it was. */
export const INTERACTION_KINDS = ['call', 'email', 'text', 'meeting', 'note'] as const

/** Which way it went: the customer reached us, or we reached them. */
export const DIRECTIONS = ['inbound', 'outbound'] as const

/** Kinds that always went one way or the other, so direction is required. */
export const DIRECTED_KINDS: ReadonlyArray<(typeof INTERACTION_KINDS)[number]> = ['call', 'email', 'text']

/** The columns of an interaction as the API shows it. */
export const INTERACTION_COLUMNS = `id, contact_id, lead_id, opportunity_id, kind, direction, occurred_at, duration_minutes, subject, summary, outcome,
  follow_up_on, follow_up_done_at, author_type, author_id, archived_at, created_at, updated_at`

/** An interaction as the API shows it (INTERACTION_COLUMNS): with exactly one of a contact, a lead or an opportunity. */
export const INTERACTION_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid().nullable(),
  lead_id: z.uuid().nullable(),
  opportunity_id: z.uuid().nullable(),
  kind: z.enum(INTERACTION_KINDS),
  direction: z.enum(DIRECTIONS).nullable(),
  occurred_at: timestamp,
  duration_minutes: z.number().int().nullable(),
  subject: z.string().nullable(),
  summary: z.string(),
  outcome: z.string().nullable(),
  follow_up_on: calendarDay.nullable(),
  follow_up_done_at: timestamp.nullable(),
  author_type: z.enum(['user', 'agent', 'system']),
  author_id: z.uuid().nullable(),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** Where interactions live, for lockRecord, auditedUpdate and auditedArchive (core/vocabulary/records.ts). */
export const INTERACTION_TABLE: RecordKind = { table: 'interactions', columns: INTERACTION_COLUMNS, entity: 'interaction' }

/** An interaction as the API shows it. */
export type Interaction = z.output<typeof INTERACTION_RECORD>
