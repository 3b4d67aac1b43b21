import type { Request, Router } from 'express'
import type { Services } from '../../../core/kernel/context.js'
import { readCloseoutNotes } from '../../../core/domains/closeouts/extraction.js'
import { startCloseout } from '../../../core/domains/closeouts/actions.js'
import { AppError } from '../../../core/kernel/errors.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { html, trustedHtml } from '../../html.js'
import { mainContent, viewerOf } from '../../layout.js'
import { sendPage } from '../../send-page.js'
import { businessOf, callerOf, onceOf, pageRoute, sendWorkPage, ticketFor, type PageCall } from '../context.js'
import { showToday } from '../today.js'
import { completeStep } from './complete.js'
import { confirmStep } from './confirm.js'
import { nextStep } from './next.js'
import { notesStep } from './notes.js'
import { paymentStep } from './payment.js'
import { CLOSEOUT_SCRIPT } from './script.js'
import { STEP_NAMES, stepPath, type Posted, type StepName, type StepPage, type View } from './shared.js'
import { reachable, stepToShow, viewOrStart, whereNext } from './state.js'
import { workStep } from './work.js'
import { photoForm } from '../photos.js'

/** The close-out's script, ours, allowed by the Content-Security-Policy's hash. */
const STEP_SCRIPT = trustedHtml(CLOSEOUT_SCRIPT)

const PAGES: Record<StepName, StepPage> = {
  work: workStep,
  notes: notesStep,
  next: nextStep,
  confirm: confirmStep,
  complete: completeStep,
  payment: paymentStep,
}

/**
 * The close-out: GET /tickets/:id/closeout leads to the step to take; each step is GET/POST /tickets/:id/closeout/<step>.
 * Without JavaScript a saved step answers with a redirect to the next one. The page's script asks with the
 * X-Closeout-Fetch header and gets the next step's <main> at once, saving a round trip on a slow connection.
 */
export function mountCloseout(router: Router, services: Services): void {
  router.get(
    '/tickets/:id/closeout',
    pageRoute(services, async (call) => {
      const id = String(call.req.params.id)
      await ticketFor(call, id)
      call.res.redirect(303, whereNext(await viewOrStart(call, id)))
    }),
  )

  // Starts the close-out: the owner's "before its day" button sends early=1 (a technician's is refused with the reason).
  router.post(
    '/tickets/:id/closeout',
    pageRoute(services, async (call) => {
      const id = String(call.req.params.id)
      await ticketFor(call, id)
      const early = call.req.body?.early === '1' ? true : undefined
      const view = (await callAction(callerOf(call), startCloseout, { ticket_id: id, early }, { idempotencyKey: onceOf(call.req) }))
        .result as View
      call.res.redirect(303, whereNext(view))
    }),
  )

  router.get(
    '/tickets/:id/closeout/:step',
    pageRoute(services, async (call) => {
      const { id, page } = routeOf(call)
      await ticketFor(call, id)
      await openStep(call, id, page.step)
    }),
  )

  router.post(
    '/tickets/:id/closeout/:step',
    pageRoute(services, async (call) => {
      const { id, page } = routeOf(call)
      await ticketFor(call, id)
      const view = await viewOrStart(call, id)
      const posted = postedOf(call.req.body)
      let saved: View
      // Saving the notes starts their reading (save_notes's background step); the confirmation waits for it if it must.
      try {
        const data = page.data(posted, view)
        saved = (await callAction(callerOf(call), page.action, { ticket_id: id, ...data }, { idempotencyKey: onceOf(call.req) }))
          .result as View
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        const fresh = await viewOrStart(call, id)
        // The same one-time token with other answers: an old copy of the form (the back button) was sent again.
        if (err.details?.field === 'Idempotency-Key') {
          const stale = new AppError(
            'CONFLICT',
            'This form was already sent from an older copy of the page; here is the close-out as it is now. Check it and send again.',
          )
          return showStep(call, PAGES[reachable(fresh, page.step) ? page.step : stepToShow(fresh)], fresh, { error: stale, status: 409 })
        }
        const missing = err.details?.missing_step as StepName | undefined
        // Out of order: show the step that is missing, with the reason; otherwise this step again with what was typed.
        if (missing && PAGES[missing]) return showStep(call, PAGES[missing], fresh, { error: err, status: err.status })
        if (!reachable(fresh, page.step)) return showStep(call, PAGES[stepToShow(fresh)], fresh, { error: err, status: err.status })
        return showStep(call, page, fresh, { error: err, status: err.status, posted })
      }
      const target = page.after?.(posted, saved) ?? whereNext(saved)
      const step = target.match(/\/closeout\/(\w+)$/)?.[1] as StepName | undefined
      if (isFetch(call.req) && step && PAGES[step]) return openStep(call, id, step)
      if (isFetch(call.req) && target.startsWith('/today?closed=')) {
        call.res.set('x-page-url', target)
        return showToday(call, false, Number(saved.ticket.number))
      }
      call.res.redirect(303, target)
    }),
  )
}

function routeOf(call: PageCall): { id: string; page: StepPage } {
  const step = String(call.req.params.step) as StepName
  if (!STEP_NAMES.includes(step))
    throw new AppError('NOT_FOUND', `The close-out has no step "${step}"; its steps are ${STEP_NAMES.join(', ')}`)
  return { id: String(call.req.params.id), page: PAGES[step] }
}

function isFetch(req: Request): boolean {
  return req.get('x-closeout-fetch') === '1'
}

/** Shows a step; one whose earlier steps are missing (or that closed with the ticket) leads to the step to take now. */
async function openStep(call: PageCall, id: string, wanted: StepName): Promise<void> {
  let view = await viewOrStart(call, id)
  let step = wanted
  if (!reachable(view, step)) {
    if (!isFetch(call.req)) return call.res.redirect(303, whereNext(view))
    step = stepToShow(view)
  }
  // The notes saved moments ago may still be read: the confirmation shares that reading (or finishes one cut short).
  if (step === 'confirm' && view.extraction?.status === 'pending')
    view = (await readCloseoutNotes({ services: call.services, principal: call.session, requestId: call.requestId }, id)) as View
  await showStep(call, PAGES[step], view)
}

async function showStep(
  call: PageCall,
  page: StepPage,
  view: View,
  opts: { error?: AppError; status?: number; posted?: Posted } = {},
): Promise<void> {
  const { timezone } = await businessOf(call)
  const steps = await page.render({ call, view, timezone, posted: opts.posted })
  // A photo goes in a form of its own below the step: sending one never waits on, or holds up, the close-out.
  const body = html`${steps}${photoForm(call.session, view.ticket_id, stepPath(view.ticket_id, page.step))}`
  const title = `${page.title} · #${view.ticket.number}`
  const error = opts.error?.message.replace(/\bdata\./g, '')
  if (isFetch(call.req)) {
    call.res.set('x-page-url', stepPath(view.ticket_id, page.step))
    sendPage(call.res, html`<title>${title}</title><main>${mainContent({ title, body, error, viewer: viewerOf(call.session) })}</main>`, {
      status: opts.status,
    })
    return
  }
  sendWorkPage(
    call,
    { title, body, error, script: STEP_SCRIPT, ok: call.req.query?.photo === 'added' ? 'Photo added.' : undefined },
    opts.status,
  )
}

/** The form's fields, one string each (a repeated name keeps its last value). */
function postedOf(body: unknown): Posted {
  const out: Posted = {}
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v.at(-1) : v
    if (typeof value === 'string') out[k] = value
  }
  return out
}
