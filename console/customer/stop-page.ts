import { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { useStopLink, viewStopLink } from '../../core/domains/reach-outs/stop-links.js'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import { stateOf } from '../../core/http/request-state.js'
import { html } from '../html.js'
import { sendLinkPage } from '../link-page.js'
import { defineCustomerPage } from './page-declaration.js'

/** What an unknown link says. */
const UNKNOWN = 'This link is not valid. Please use the link in your most recent email, or contact the business that sent it.'

/** What stays on after reach-outs stop, so the customer knows what they still get. */
const STILL = 'You will still get emails about your appointments and invoices.'

/**
 * The page a reach-out email's stop link opens, without signing in. GET only asks, with one button (mail scanners open
 * links); POST stops reach-outs. The secret in the address is the only credential: an unknown one counts with the
 * client's other unknown links.
 */
export function stopRoutes(services: Services, guesses: LinkGuesses): Router {
  const router = Router()
  router.get('/stop/:token', async (req, res) => {
    const view = await viewStopLink(services, req.params.token)
    if (!view.known) {
      await guesses.unknown(req)
      return sendLinkPage(res, 404, 'Stop these emails', html``, { error: UNKNOWN })
    }
    if (view.stopped)
      return sendLinkPage(res, 200, 'Stop these emails', html`<p>${STILL}</p>`, {
        ok: `${view.businessName} sends you no more of these emails.`,
      })
    sendLinkPage(
      res,
      200,
      'Stop these emails',
      html`<p>${view.businessName} emails you now and then to ask whether you would like another visit. ${STILL}</p>
<form method="post" action="/stop/${req.params.token}"><button>Stop these emails</button></form>`,
    )
  })
  router.post('/stop/:token', async (req, res) => {
    const view = await useStopLink(services, req.params.token, stateOf(res).requestId)
    if (!view.known) {
      await guesses.unknown(req)
      return sendLinkPage(res, 404, 'Stop these emails', html``, { error: UNKNOWN })
    }
    sendLinkPage(res, 200, 'Stop these emails', html`<p>${STILL}</p>`, {
      ok: `Done: ${view.businessName} sends you no more of these emails.`,
    })
  })
  return router
}

/** The page a reach-out's stop link opens. */
export const stopPage = defineCustomerPage({
  mount: 'after_bodies',
  countsGuesses: true,
  routes: stopRoutes,
})
