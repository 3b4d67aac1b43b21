import { z } from 'zod'
import { personIdOf, type OperationContext } from '../../../kernel/context.js'
import { AppError } from '../../../kernel/errors.js'
import { page } from '../../../vocabulary/places.js'
import { callWithin } from '../../../kernel/call-within.js'
import { defineAction } from '../../../kernel/registry.js'
import { cancelTicket, rescheduleTicket } from '../../tickets/actions.js'
import { requestGoogleSync } from '../connection.js'
import { CHANGE_REQUEST_RECORD, changeRequestView } from './requests-query.js'

/** Where the owner answers the requests: the Calendar section of the Google page. */
const GOOGLE_PAGE = '/settings/google'

/** A change request as stored, locked for its answer. */
interface StoredRequest {
  id: string
  ticket_id: string
  user_id: string
  calendar_id: string
  kind: 'reschedule' | 'cancel'
  series_event_id: string | null
  proposed_start: Date | null
  proposed_end: Date | null
  status: string
  ticket_status: string
  ticket_number: number
}

/** Locks an open request; refuses one already answered and one whose visit is closed, saying what to do instead. */
async function openRequest(ctx: OperationContext, id: string, answer: 'accept' | 'decline'): Promise<StoredRequest> {
  const r = await ctx.db.query<StoredRequest>(
    `select r.id, r.ticket_id, r.user_id, r.calendar_id, r.kind, r.series_event_id, r.proposed_start, r.proposed_end, r.status, t.status as ticket_status,
       t.number as ticket_number
     from google_change_requests r join tickets t on t.tenant_id = r.tenant_id and t.id = r.ticket_id
     where r.id = $1 for update of r`,
    [id],
  )
  const request = r.rows[0]
  if (!request) throw new AppError('NOT_FOUND', `request_id: no Google change request with id ${id}`, { field: 'data.request_id', id })
  if (request.status !== 'open') {
    throw new AppError(
      'CONFLICT',
      `This Google change request is ${request.status}, not open: it cannot be answered again (read google_change_requests status=open)`,
      { reason: 'not_open', status: request.status },
    )
  }
  if (answer === 'accept' && !['scheduled', 'confirmed', 'in_progress'].includes(request.ticket_status)) {
    throw new AppError(
      'CONFLICT',
      `Visit #${request.ticket_number} is ${request.ticket_status}: a closed visit never changes. Decline the request ` +
        '(google.decline_change) and Google is put back as booked',
      { reason: 'visit_closed', ticket_id: request.ticket_id, ticket_status: request.ticket_status },
    )
  }
  return request
}

/** Marks a request answered and keeps the answer in the audit. */
async function answered(ctx: OperationContext, request: StoredRequest, status: 'accepted' | 'declined', note: string | null) {
  await ctx.db.query(
    `update google_change_requests set status = $2, note = coalesce($3, note), answered_by = $4, answered_at = $5 where id = $1`,
    [request.id, status, note, personIdOf(ctx.actor), ctx.services.now()],
  )
  await ctx.audit({
    entityType: 'google_change_request',
    entityId: request.id,
    action: status === 'accepted' ? 'accept' : 'decline',
    before: { status: 'open' },
    after: { status, kind: request.kind, ticket_id: request.ticket_id, note },
  })
  const view = await changeRequestView(ctx.db, request.id)
  if (!view) throw new Error(`change request ${request.id} vanished`)
  return view
}

const requestId = z.uuid().describe('The request (google_change_requests id)')

/** Accepts a change made in Google: the visit is moved to Google's time, or cancelled. */
export const acceptGoogleChange = defineAction({
  key: 'google.accept_change',
  title: 'Accept a change made in Google Calendar',
  place: page(GOOGLE_PAGE, 'Accept, beside the change in the Calendar section'),
  words: { phrase: 'accept a visit change made in Google Calendar' },
  description:
    "Accept a visit's change made in a technician's Google calendar (google_change_requests): a reschedule moves the " +
    'visit to the proposed time exactly as ticket.reschedule does (the customer is asked to confirm again; CONFLICT when the ' +
    'technicians are booked then), a cancel cancels it as ticket.cancel does. A completed visit never changes (CONFLICT: ' +
    'decline instead). The agent gives its reasoning.',
  access: { agent: 'soft_limit', technician: 'none' },
  phrases: ['google', 'calendar', 'accept', 'moved', 'deleted', 'reschedule', 'cancel'],
  input: z.strictObject({ request_id: requestId }),
  output: z.object({ request: CHANGE_REQUEST_RECORD, ticket_status: z.string().describe("The visit's status after the change") }),
  async run(ctx, input) {
    const request = await openRequest(ctx, input.request_id, 'accept')
    let ticketStatus: string
    if (request.kind === 'reschedule' && request.proposed_start && request.proposed_end) {
      const ticket = await callWithinReschedule(ctx, request)
      ticketStatus = ticket
    } else {
      const ticket = await callWithin(ctx, cancelTicket, {
        ticket_id: request.ticket_id,
        reason: 'Deleted in the technician’s Google calendar; the change was accepted',
      })
      ticketStatus = String(ticket.status)
    }
    // A visit moved with all of its recurring event: the event goes back to the series' time, the visit stays as moved.
    if (request.series_event_id && request.kind === 'reschedule') await rewriteRecurringEvent(ctx, request)
    return { request: await answered(ctx, request, 'accepted', null), ticket_status: ticketStatus }
  },
})

/** Moves the visit to the time Google shows, through the tickets domain. */
async function callWithinReschedule(ctx: OperationContext, request: StoredRequest): Promise<string> {
  const ticket = await callWithin(ctx, rescheduleTicket, {
    ticket_id: request.ticket_id,
    scheduled_start: new Date(request.proposed_start as Date).toISOString(),
    scheduled_end: new Date(request.proposed_end as Date).toISOString(),
  })
  return String(ticket.status)
}

/** Declines a change made in Google: the visit stays, and Google is put back as booked at the next sync. */
export const declineGoogleChange = defineAction({
  key: 'google.decline_change',
  title: 'Decline a change made in Google Calendar',
  place: page(GOOGLE_PAGE, 'Decline, beside the change in the Calendar section'),
  words: { phrase: 'decline a visit change made in Google Calendar' },
  description:
    "Decline a visit's change made in a technician's Google calendar (google_change_requests): the visit keeps its time " +
    "and the event in that person's Google calendar is written back as booked at the next sync (within a minute). A request " +
    "raised by a whole recurring event changed in Google writes that whole event back, which settles its other visits' " +
    'requests (superseded). note: why, kept with the request.',
  access: { agent: 'unrestricted', technician: 'none' },
  phrases: ['google', 'calendar', 'decline', 'keep', 'moved', 'deleted'],
  input: z.strictObject({
    request_id: requestId,
    note: z.string().trim().min(1).max(500).optional().describe('Why; kept with the request'),
  }),
  output: z.object({ request: CHANGE_REQUEST_RECORD }),
  async run(ctx, input) {
    const request = await openRequest(ctx, input.request_id, 'decline')
    // The event is written again as booked at the next sync (now asked for): its record is marked as not yet written.
    await ctx.db.query(
      `update google_events set state = 'pending' where ticket_id = $1 and user_id = $2 and calendar_id = $3 and state <> 'deleted'`,
      [request.ticket_id, request.user_id, request.calendar_id],
    )
    if (request.series_event_id) {
      await rewriteRecurringEvent(ctx, request)
      // Its visits changed alone were deleted with it in Google: they are written back too.
      await ctx.db.query(
        `update google_events set state = 'pending' where user_id = $1 and calendar_id = $2 and state <> 'deleted'
           and fingerprint <> 'plain' and left(event_id, length($3) + 1) = $3 || '_'`,
        [request.user_id, request.calendar_id, request.series_event_id],
      )
      // Google shows every visit of the recurring event as booked again: what the others asked is answered by that.
      await ctx.db.query(
        `update google_change_requests set status = 'superseded',
           note = 'Another visit''s change to the same recurring event was declined: Google shows the visits as booked again'
         where user_id = $1 and calendar_id = $2 and series_event_id = $3 and status = 'open' and id <> $4`,
        [request.user_id, request.calendar_id, request.series_event_id, request.id],
      )
    } else await requestGoogleSync(ctx.db, request.user_id, ctx.services.now())
    return { request: await answered(ctx, request, 'declined', input.note ?? null) }
  },
})

/** Our recurring event changed for all its visits in Google is written again as the series says, at the next sync. */
async function rewriteRecurringEvent(ctx: OperationContext, request: StoredRequest): Promise<void> {
  await ctx.db.query(
    `update google_series_events set state = 'pending' where user_id = $1 and calendar_id = $2 and event_id = $3 and state <> 'deleted'`,
    [request.user_id, request.calendar_id, request.series_event_id],
  )
  await requestGoogleSync(ctx.db, request.user_id, ctx.services.now())
}
