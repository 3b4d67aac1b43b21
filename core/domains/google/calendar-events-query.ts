import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'
import { afterCursor, pageOf } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'

/** One visit's event in one Google calendar, as the owner and the agent read its sync state. */
export const GOOGLE_CALENDAR_EVENT_RECORD = z.object({
  id: z.uuid().describe('The visit (ticket id); a visit has one row per calendar it is written to'),
  ticket_number: z.number().int(),
  user_id: z.uuid().describe('Whose Google account writes the event (the technician, or the owner for the shared calendar)'),
  user_name: z.string(),
  calendar: z.string().describe("The Google calendar ('primary' is the person's own)"),
  purpose: z.enum(['technician', 'shared']).describe('technician: the visit is theirs; shared: the business calendar'),
  state: z
    .enum(['pending', 'synced', 'failed', 'deleted'])
    .describe('pending: to be written at the next sync; synced; failed: Google refused it (error); deleted: removed from Google'),
  error: z.string().nullable().describe("Google's words when it refused the event"),
  attempts: z.number().int(),
  synced_at: timestamp.nullable(),
  updated_at: timestamp,
})

/** The visits written to Google calendars and where each stands, the most recently changed first. */
export const googleCalendarEventsQuery = defineQuery({
  type: 'google_calendar_events',
  description:
    "Each visit's event in Google calendars and its sync state, the most recently changed first: id (the ticket), " +
    'ticket_number, user_name (whose calendar), calendar, purpose (technician or shared), state (pending, synced, failed ' +
    "with Google's error, deleted), attempts, synced_at. Filter: state (failed lists what Google refused). A failed event " +
    'is tried again when its visit changes.',
  phrases: ['google', 'calendar', 'events', 'sync', 'failed', 'visits in google'],
  access: { agent: 'unrestricted', technician: 'none', idEntity: 'ticket' },
  params: z.object({ state: z.enum(['pending', 'synced', 'failed', 'deleted']).optional() }),
  record: GOOGLE_CALENDAR_EVENT_RECORD,
  async run(ctx, req) {
    const args: unknown[] = [req.id ?? null, req.params.state ?? null]
    const after = afterCursor(args, req.cursor, 'and (g.updated_at, g.ticket_id::text || g.user_id::text || g.calendar_id) <', [
      'timestamptz',
      'text',
    ])
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `select g.ticket_id as id, t.number as ticket_number, g.user_id, u.name as user_name, g.calendar_id as calendar, g.purpose,
         g.state, g.error, g.attempts, g.synced_at, g.updated_at, g.updated_at::text as _sort_at,
         g.ticket_id::text || g.user_id::text || g.calendar_id as _sort_key
       from google_events g join tickets t on t.id = g.ticket_id join users u on u.id = g.user_id
       where ($1::uuid is null or g.ticket_id = $1) and ($2::text is null or g.state = $2)
         ${after}
       order by g.updated_at desc, _sort_key desc limit $${args.length}`,
      args,
    )
    return pageOf(r.rows, req.limit, (row) => [row._sort_at, row._sort_key])
  },
})
