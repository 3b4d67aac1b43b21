import { z } from 'zod'
import type { Queryable } from '../../../db/types.js'
import { timestamp } from '../../../kernel/output-types.js'
import { afterCursor, pageOf } from '../../../kernel/pagination.js'
import { defineQuery } from '../../../kernel/registry.js'

/** A change made to a visit in a person's Google calendar, as the owner and the agent read it. */
export const CHANGE_REQUEST_RECORD = z.object({
  id: z.uuid(),
  ticket_id: z.uuid(),
  ticket_number: z.number().int(),
  customer_name: z.string().nullable(),
  technician_id: z.uuid().describe('Whose Google calendar it was changed in'),
  technician_name: z.string(),
  kind: z.enum(['reschedule', 'cancel']).describe('reschedule: the event was moved; cancel: it was deleted'),
  proposed_start: timestamp.nullable().describe('The time Google now shows (reschedule only)'),
  proposed_end: timestamp.nullable(),
  was_start: timestamp.describe("The visit's time when the change was read"),
  was_end: timestamp,
  status: z
    .enum(['open', 'accepted', 'declined', 'ignored', 'superseded'])
    .describe('open: waiting for an answer; ignored: the visit could not change (note says why); superseded: a later change replaced it'),
  note: z.string().nullable(),
  seen_at: timestamp.describe('When the change was read from Google'),
  answered_at: timestamp.nullable(),
})

/** One change request (r) with its visit, customer and technician, as SQL. */
const SELECT = `select r.id, r.ticket_id, t.number as ticket_number, c.display_name as customer_name, r.user_id as technician_id,
    coalesce(nullif(u.name, ''), u.email) as technician_name, r.kind, r.proposed_start, r.proposed_end, r.was_start, r.was_end,
    r.status, r.note, r.created_at as seen_at, r.answered_at, r.created_at::text as _sort_at
  from google_change_requests r
  join tickets t on t.tenant_id = r.tenant_id and t.id = r.ticket_id
  left join contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
  join users u on u.tenant_id = r.tenant_id and u.id = r.user_id`

/** One change request as the record shows it, or null. */
export async function changeRequestView(tx: Queryable, id: string): Promise<z.output<typeof CHANGE_REQUEST_RECORD> | null> {
  const r = await tx.query(`${SELECT} where r.id = $1`, [id])
  return r.rows[0] ? recordOf(r.rows[0]) : null
}

/** A row as the record shows it: instants as ISO text, the sort key dropped. */
function recordOf(row: Record<string, unknown>): z.output<typeof CHANGE_REQUEST_RECORD> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) if (!k.startsWith('_')) out[k] = v instanceof Date ? v.toISOString() : v
  return out as z.output<typeof CHANGE_REQUEST_RECORD>
}

/** Visits moved or deleted in a technician's Google calendar, waiting for an answer. */
export const googleChangeRequestsQuery = defineQuery({
  type: 'google_change_requests',
  description:
    "Visits moved or deleted in a person's Google calendar: each a request (kind reschedule with proposed_start/end, or " +
    "cancel) that never changes the customer's booking by itself. Open ones by default, oldest first; status=all for every " +
    'one. Answer with google.accept_change (the visit is moved or cancelled) or google.decline_change (Google is put back ' +
    'as booked at the next sync).',
  phrases: ['google', 'calendar', 'moved', 'deleted', 'change request', 'reschedule', 'cancel'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(['open', 'accepted', 'declined', 'ignored', 'superseded', 'all']).default('open'),
    ticket_id: z.uuid().optional(),
  }),
  record: CHANGE_REQUEST_RECORD,
  async run(ctx, req) {
    const status = req.id ? 'all' : req.params.status
    const args: unknown[] = [req.id ?? null, status, req.params.ticket_id ?? null]
    const after = afterCursor(args, req.cursor, 'and (r.created_at::text, r.id) >', ['text', 'uuid'])
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `${SELECT}
       where ($1::uuid is null or r.id = $1) and ($2::text = 'all' or r.status = $2) and ($3::uuid is null or r.ticket_id = $3)
         ${after}
       order by r.created_at, r.id limit $${args.length}`,
      args,
    )
    const page = pageOf(r.rows, req.limit, (row) => [row._sort_at, row.id])
    return { items: page.items.map(recordOf), next_cursor: page.next_cursor }
  },
})
