import { z } from 'zod'

// The pieces every declared output is made of: how answers read once they are JSON.

/** A moment as an answer gives it: ISO 8601 with its offset (UTC, "Z"). */
export const timestamp = z.iso.datetime({ offset: true })

/** A calendar date, YYYY-MM-DD. */
export const calendarDay = z.iso.date()

/** Data whose keys the caller or the record chose (preferences, an audit entry's changes, a stored call). */
export const freeForm = z.record(z.string(), z.unknown())

/** One entry of a record's history, as include=audit_trail gives it. */
export const AUDIT_ENTRY = z.object({
  entity_id: z.uuid(),
  action: z.string(),
  changes: freeForm,
  actor_type: z.enum(['user', 'agent', 'system']),
  actor_id: z.uuid().nullable(),
  reasoning: z.string().nullable(),
  request_id: z.string().nullable(),
  created_at: timestamp,
})

/** The include=audit_trail expansion every audited data type offers. */
export const auditTrailExpansion = z.array(AUDIT_ENTRY).optional()

/** One page of a list, for outputs that answer with one. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() })
}
