import { Router } from 'express'
import type { Services } from '../../core/context.js'
import { openPayLink } from '../../core/domains/invoices/pay-links.js'
import { AppError } from '../../core/errors.js'
import { log } from '../../core/log.js'
import { esc, page } from '../../web-review/html.js'
import { stateOf } from '../request-context.js'

/**
 * GET /pay/<secret>, the address an invoice email gives: straight on to Stripe's checkout page (the open one, or a new
 * one once it expired), or a small page saying why there is nothing to pay. Public: the secret is the credential.
 */
export function payLinkRoutes(services: Services): Router {
  const router = Router()
  router.get('/pay/:secret', async (req, res) => {
    let outcome
    try {
      outcome = await openPayLink(services, String(req.params.secret))
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'UNAVAILABLE') throw err
      log('warn', 'pay link could not open a checkout', { request_id: stateOf(res).requestId, error: err.message })
      res.status(503).set('retry-after', '60').type('html')
        .send(page('Payment', '<p>Online payment is not available this minute. Please try the link again in a few minutes.</p>'))
      return
    }
    res.set('cache-control', 'no-store')
    if (outcome.kind === 'checkout') {
      res.redirect(303, outcome.url)
      return
    }
    if (outcome.kind === 'unknown') {
      res.status(404).type('html').send(page('Payment', '<p>This payment link is not valid. Please use the link in your invoice email, or reply to it.</p>'))
      return
    }
    if (outcome.kind === 'payments_off') {
      res.status(503).type('html').send(page(`Invoice ${outcome.number}`, `<p>${esc(outcome.business)} does not take payments online right now.</p>`
        + (outcome.instructions ? `<p>${esc(outcome.instructions)}</p>` : '')))
      return
    }
    const said = outcome.status === 'paid' ? 'is paid. Thank you!' : outcome.status === 'void' ? 'was cancelled: there is nothing to pay.' : 'has nothing left to pay.'
    res.type('html').send(page(`Invoice ${outcome.number}`, `<p>Invoice ${esc(outcome.number)} from ${esc(outcome.business)} ${said}</p>`))
  })
  return router
}
