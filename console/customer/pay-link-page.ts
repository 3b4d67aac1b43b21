import { Router } from 'express'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import type { Services } from '../../core/context.js'
import { openPayLink } from '../../core/domains/invoices/pay-links.js'
import { AppError } from '../../core/errors.js'
import { log } from '../../core/log.js'
import { stateOf } from '../../core/http/request-state.js'
import { html } from '../html.js'
import { layout } from '../layout.js'
import { sendPage } from '../send-page.js'

/**
 * GET /pay/<secret>, the address an invoice email gives: straight on to Stripe's checkout page (the open one, or a new
 * one once it expired), or a small page saying why there is nothing to pay. Public: the secret is the credential, and
 * an unknown one counts with the client's other unknown links.
 */
export function payLinkRoutes(services: Services, guesses: LinkGuesses): Router {
  const router = Router()
  router.get('/pay/:secret', async (req, res) => {
    let outcome
    try {
      outcome = await openPayLink(services, String(req.params.secret))
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'UNAVAILABLE') throw err
      log('warn', 'pay link could not open a checkout', { request_id: stateOf(res).requestId, error: err.message })
      res.set('retry-after', '60')
      sendPage(
        res,
        layout({
          title: 'Payment',
          body: html`<p>Online payment is not available this minute. Please try the link again in a few minutes.</p>`,
        }),
        { status: 503, secretUrl: true },
      )
      return
    }
    res.set('cache-control', 'no-store')
    if (outcome.kind === 'checkout') {
      res.redirect(303, outcome.url)
      return
    }
    if (outcome.kind === 'unknown') {
      await guesses.unknown(req)
      sendPage(
        res,
        layout({
          title: 'Payment',
          body: html`<p>This payment link is not valid. Please use the link in your invoice email, or contact the business that sent it.</p>`,
        }),
        { status: 404, secretUrl: true },
      )
      return
    }
    if (outcome.kind === 'payments_off') {
      sendPage(
        res,
        layout({
          title: `Invoice ${outcome.number}`,
          body: html`<p>${outcome.business} does not take payments online right now.</p>${
            outcome.instructions ? html`<p>${outcome.instructions}</p>` : ''
          }`,
        }),
        { status: 503, secretUrl: true },
      )
      return
    }
    const said =
      outcome.status === 'paid'
        ? 'is paid. Thank you!'
        : outcome.status === 'void'
          ? 'was cancelled: there is nothing to pay.'
          : 'has nothing left to pay.'
    sendPage(
      res,
      layout({ title: `Invoice ${outcome.number}`, body: html`<p>Invoice ${outcome.number} from ${outcome.business} ${said}</p>` }),
      { secretUrl: true },
    )
  })
  return router
}
