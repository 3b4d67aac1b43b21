import { Router } from 'express'
import { callAction } from '../../../core/kernel/call-action.js'
import type { Services } from '../../../core/kernel/context.js'
import { chooseGmailLabels } from '../../../core/domains/google/gmail-actions.js'
import { validationError } from '../../../core/kernel/errors.js'
import { ownerRoute } from '../owner-route.js'
import { GMAIL_LABELS, labelWords, listWords } from './google-gmail-section.js'
import { showGoogle } from './google-page.js'

/** The owner's choice of the Gmail labels read, from the Gmail section of the Google page (google.choose_gmail_labels). */
export function googleGmailPages(services: Services): Router {
  const router = Router()
  router.post(
    GMAIL_LABELS,
    ownerRoute(services, async (call) => {
      call.onError((err) => showGoogle(call, { status: err.status, error: `The labels read were not changed. ${err.message}` }))
      const done = await callAction(call.caller, chooseGmailLabels, { labels: labelsOf(call.req.body) })
      if (done.queued) throw new Error('an owner’s choice is never queued')
      const names = listWords(done.result.labels.map(labelWords))
      await showGoogle(call, { ok: `Saved: ${names} ${done.result.labels.length === 1 ? 'is' : 'are'} read from now on.` })
    }),
  )
  return router
}

/** The labels ticked (a box per label sends its id); none ticked is refused here, naming the boxes. */
function labelsOf(body: unknown): string[] {
  const sent = (body as Record<string, unknown> | undefined)?.labels
  const list = (Array.isArray(sent) ? sent : sent === undefined ? [] : [sent]).map(String)
  if (!list.length) throw validationError([{ field: 'data.labels', message: 'tick at least one label to read' }])
  return list
}
