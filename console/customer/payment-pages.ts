import { Router, type Request } from 'express'
import { html } from '../html.js'
import { layout } from '../layout.js'
import { sendPage } from '../send-page.js'
import { defineCustomerPage } from './page-declaration.js'

/** An invoice number as we make them (PREFIX-YYYY-NNNN); anything else in the address is not shown back. */
const INVOICE_NUMBER = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/

/** GET /payments/thank-you and /payments/cancelled: where Stripe Checkout sends the customer back; public, tiny. */
export function paymentPages(): Router {
  const router = Router()
  router.get('/payments/thank-you', (req, res) => {
    sendPage(
      res,
      layout({
        title: 'Thank you for your payment',
        ok: `Your payment${invoiceOf(req)} was received.`,
        body: html`<p class="note">A receipt comes by email from our payment provider, Stripe. You can close this page.</p>`,
      }),
    )
  })
  router.get('/payments/cancelled', (req, res) => {
    sendPage(
      res,
      layout({
        title: 'Payment cancelled',
        body: html`<p>No payment was made${invoiceOf(req)}, and nothing was charged.</p>
<p class="note">To pay later, open the link in your invoice email again.</p>`,
      }),
    )
  })
  return router
}

/** " for invoice X" when the address names a well-formed invoice number, else nothing. */
function invoiceOf(req: Request): string {
  const n = typeof req.query.invoice === 'string' ? req.query.invoice : ''
  return INVOICE_NUMBER.test(n) ? ` for invoice ${n}` : ''
}

/** Where Stripe sends a customer back: GET only, no secret. */
export const paymentReturnPages = defineCustomerPage({
  mount: 'before_bodies',
  countsGuesses: false,
  routes: () => paymentPages(),
})
