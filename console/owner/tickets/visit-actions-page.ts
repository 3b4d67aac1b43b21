import { Router } from 'express'
import type { Services } from '../../../core/kernel/context.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { assignTechnicians, cancelTicket, markNoShow, rescheduleTicket } from '../../../core/domains/tickets/actions.js'
import { AppError, validationError } from '../../../core/kernel/errors.js'
import { localDate, localTime } from '../../../core/vocabulary/time.js'
import { businessOf, callerOf, pageRoute, sendWorkPage, ticketFor, type PageCall } from '../../technician/context.js'
import { ticketPage } from '../../technician/ticket.js'
import { cancelConfirmForm, type VisitChangeValues } from './visit-change-forms.js'
import { field, fieldErrorsOf, problemsSentence } from '../../form-kit.js'

/** The actions' fields named as the forms' fields. */
const FORM_FIELDS: Record<string, string> = {
  scheduled_start: 'move_time',
  scheduled_end: 'move_minutes',
  duration_minutes: 'move_minutes',
  technician_ids: 'technician',
  reason: 'reason',
  note: 'note',
}

/** The owner changes a visit from its page: POST /tickets/:id/move, /technicians, /cancel (after a confirm step) and /no_show. */
export function visitActionsPages(services: Services): Router {
  const router = Router()

  router.post(
    '/tickets/:id/move',
    ownerChange(services, 'moved', async (call, id) => {
      const v = {
        move_date: field(call.req.body, 'move_date'),
        move_time: field(call.req.body, 'move_time'),
        move_minutes: field(call.req.body, 'move_minutes'),
      }
      const issues = [
        !/^\d{4}-\d\d-\d\d$/.test(v.move_date) && { field: 'data.move_date', message: 'expected a date such as 2026-11-05' },
        !/^\d\d:\d\d$/.test(v.move_time) && { field: 'data.move_time', message: 'expected a time such as 09:30' },
        !/^\d{1,4}$/.test(v.move_minutes) && { field: 'data.move_minutes', message: 'expected a number of minutes such as 60' },
      ].filter((x) => !!x)
      const input = { ticket_id: id, scheduled_start: `${v.move_date}T${v.move_time}`, duration_minutes: Number(v.move_minutes) }
      return {
        values: v,
        run: () => (issues.length ? Promise.reject(validationError(issues)) : callAction(callerOf(call), rescheduleTicket, input)),
      }
    }),
  )

  router.post(
    '/tickets/:id/technicians',
    ownerChange(services, 'technicians', async (call, id) => {
      const raw = call.req.body?.technician
      const technician = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String)
      return {
        values: { technician },
        run: () => callAction(callerOf(call), assignTechnicians, { ticket_id: id, technician_ids: technician }),
      }
    }),
  )

  router.post(
    '/tickets/:id/no_show',
    ownerChange(services, 'no_show', async (call, id) => {
      const note = field(call.req.body, 'note')
      return { values: { note }, run: () => callAction(callerOf(call), markNoShow, { ticket_id: id, ...(note ? { note } : {}) }) }
    }),
  )

  router.post(
    '/tickets/:id/cancel',
    ownerChange(services, 'cancelled', async (call, id) => {
      const reason = field(call.req.body, 'reason')
      if (!reason)
        return {
          values: { reason },
          run: () =>
            Promise.reject(
              validationError([{ field: 'data.reason', message: 'expected a few words on why, e.g. "customer asked by phone"' }]),
            ),
        }
      if (call.req.body?.confirm !== 'yes') {
        const t = await ticketFor(call, id)
        const { timezone } = await businessOf(call)
        const start = new Date(t.scheduled_start)
        sendWorkPage(call, {
          title: `Cancel visit #${t.number}?`,
          body: cancelConfirmForm(t, `${localDate(start, timezone)} ${localTime(start, timezone)}`, reason, call.session),
        })
        return 'answered'
      }
      return { values: { reason }, run: () => callAction(callerOf(call), cancelTicket, { ticket_id: id, reason }) }
    }),
  )

  return router
}

type Change = { values: VisitChangeValues; run: () => Promise<unknown> } | 'answered'

/**
 * One change route: owners only (a technician gets the 403 page), the visit read first (another business's is not found),
 * then the change; a refusal shows the visit again with the problem next to its field, a success goes back with a status line.
 */
function ownerChange(services: Services, done: string, prepare: (call: PageCall, id: string) => Promise<Change>) {
  return pageRoute(services, async (call) => {
    const actor = call.session.actor
    if (actor.type !== 'user' || actor.role !== 'owner')
      throw new AppError('FORBIDDEN', 'Only the business owner can change a visit from this page.')
    const id = String(call.req.params.id)
    await ticketFor(call, id)
    const change = await prepare(call, id)
    if (change === 'answered') return
    try {
      await change.run()
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      const problems = fieldErrorsOf(err, (path) => FORM_FIELDS[path.split('.')[0]] ?? path.split('.')[0])
      const general = problemsSentence(problems)
      sendWorkPage(call, await ticketPage(call, id, `Nothing was changed. ${general}`, { problems, values: change.values }), err.status)
      return
    }
    call.res.redirect(303, `/tickets/${id}?done=${done}`)
  })
}
