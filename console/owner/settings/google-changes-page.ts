import { Router } from 'express'
import { callAction } from '../../../core/kernel/call-action.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { acceptGoogleChange, declineGoogleChange } from '../../../core/domains/google/calendar-in/answer-actions.js'
import { businessQuery } from '../../../core/domains/settings/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { field } from '../../form-kit.js'
import type { PageCall } from '../../page-route.js'
import { ownerRoute } from '../owner-route.js'
import { CHANGE_ANSWER } from './google-changes-section.js'
import { showGoogle } from './google-page.js'

/**
 * The owner's answers to visits moved or deleted in a technician's Google calendar, from the Calendar section of the
 * Google page: Accept (google.accept_change) and Decline (google.decline_change), each shown back on the page.
 */
export function googleChangesPages(services: Services): Router {
  const router = Router()
  router.post(
    CHANGE_ANSWER,
    ownerRoute(services, async (call) => {
      call.onError((err) => showGoogle(call, { status: err.status, error: `Nothing was changed. ${err.message}` }))
      const id = String(call.req.params.id)
      const answer = call.req.params.answer
      if (answer === 'accept') return showGoogle(call, { ok: await accepted(call, id) })
      if (answer === 'decline') return showGoogle(call, { ok: await declined(call, id) })
      throw new AppError('NOT_FOUND', `answer: expected accept or decline, got ${answer}`, { field: 'answer' })
    }),
  )
  return router
}

/** Accepts the change; the line saying what became of the visit. */
async function accepted(call: PageCall, id: string): Promise<string> {
  const done = await callAction(call.caller, acceptGoogleChange, { request_id: id })
  if (done.queued) throw new Error('an owner’s answer is never queued')
  const r = done.result.request
  if (r.kind === 'cancel' || !r.proposed_start) return `Accepted: visit #${r.ticket_number} is ${done.result.ticket_status}.`
  const tz = (await callQuery(call.caller, businessQuery, { id: call.session.tenantId })).timezone
  return `Accepted: visit #${r.ticket_number} moved to ${formatInstant(r.proposed_start, tz)}; the customer is asked to confirm again.`
}

/** Declines the change; the line saying the visit stays. */
async function declined(call: PageCall, id: string): Promise<string> {
  const note = field(call.req.body, 'note').trim()
  const done = await callAction(call.caller, declineGoogleChange, { request_id: id, ...(note ? { note } : {}) })
  if (done.queued) throw new Error('an owner’s answer is never queued')
  const r = done.result.request
  return `Declined: visit #${r.ticket_number} stays as booked and goes back into ${r.technician_name}'s Google calendar within a minute.`
}
