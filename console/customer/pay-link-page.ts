import { Router, type Request, type Response } from 'express'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import type { Services } from '../../core/kernel/context.js'
import { type CustomerInvoice, loadCustomerInvoice } from '../../core/domains/invoices/customer-invoice.js'
import { invoicePdf } from '../../core/domains/invoices/invoice-pdf.js'
import { findPayLink, openPayLink, payLinkScope, type PayLink } from '../../core/domains/invoices/pay-links.js'
import { readLogo } from '../../core/domains/settings/business-card.js'
import { withTenant } from '../../core/db/tenant.js'
import { AppError } from '../../core/kernel/errors.js'
import { log } from '../../core/kernel/log.js'
import { dayWords } from '../../core/text/date-words.js'
import { formatMoney } from '../../core/vocabulary/money.js'
import { taxRows } from '../../core/text/tax-words.js'
import { stateOf } from '../../core/http/request-state.js'
import { html, type SafeHtml } from '../html.js'
import { sendLinkPage } from '../link-page.js'
import { businessCard } from './business-card.js'
import { businessNote, payBlock, withBreaks } from './pay-block.js'
import { defineCustomerPage } from './page-declaration.js'

/** How a payment received reads on the page. */
const METHOD_WORDS: Record<string, string> = { cash: 'cash', check: 'check', card: 'card', stripe: 'card, online', quickbooks: 'recorded' }

/** Headers of every answer under a pay link: the address holds the secret. */
const SECRET_HEADERS = { 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' }

/**
 * The invoice page an invoice email links to, /pay/<secret>: the business, the lines, what was paid and what is due,
 * then the way to pay in a block of its own: Pay (its own address, so a mail scanner opening the emailed link starts no
 * payment; a link, since the page's Content-Security-Policy lets a form lead only to this server) on to Stripe's
 * checkout page while payments are on, and the payment instructions; then the invoice's notes as the business's note,
 * and the invoice as a PDF. Public: the secret is the credential, and an unknown one counts with the client's other
 * unknown links. Links sent before the page existed lead here too.
 */
export function payLinkRoutes(services: Services, guesses: LinkGuesses): Router {
  const router = Router()
  router.get('/pay/:secret', async (req, res) => {
    const link = await known(services, guesses, req, res)
    if (!link) return
    const invoice = await loadCustomerInvoice(services, link, { opened: true })
    sendLinkPage(res, 200, `Invoice ${invoice.number}`, invoicePage(invoice, req.params.secret), statusLine(invoice))
  })
  router.get('/pay/:secret/invoice.pdf', async (req, res) => {
    const link = await known(services, guesses, req, res)
    if (!link) return
    const invoice = await loadCustomerInvoice(services, link, { opened: false })
    res.set({
      ...SECRET_HEADERS,
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="Invoice-${invoice.number.replace(/[^A-Za-z0-9-]/g, '')}.pdf"`,
      'Cache-Control': 'no-store',
    })
    res.send(await invoicePdf(invoice, services.now()))
  })
  router.get('/pay/:secret/logo', async (req, res) => {
    const link = await known(services, guesses, req, res)
    if (!link) return
    const logo = await withTenant(services.db, payLinkScope(link), (tx) => readLogo(tx, services, link.tenantId))
    if (!logo) {
      res.status(404).set(SECRET_HEADERS).type('text/plain').send('No logo')
      return
    }
    // The page asks for the logo under its hash: a new logo is a new address, so the old one may be kept a day.
    res.set({ ...SECRET_HEADERS, 'Content-Type': logo.contentType, 'Cache-Control': 'private, max-age=86400' }).send(logo.bytes)
  })
  router.get('/pay/:secret/checkout', async (req, res) => {
    await pay(services, guesses, req, res)
  })
  return router
}

/** The pay link of the address, or null after answering with the page that says it is not valid. */
async function known(services: Services, guesses: LinkGuesses, req: Request, res: Response): Promise<PayLink | null> {
  const link = await findPayLink(services, String(req.params.secret))
  if (!link) await notValid(guesses, req, res)
  return link
}

/** Counts an unknown secret with the client's other guesses and answers the page that says the link is not valid. */
async function notValid(guesses: LinkGuesses, req: Request, res: Response): Promise<void> {
  await guesses.unknown(req)
  sendLinkPage(
    res,
    404,
    'Payment',
    html`<p>This payment link is not valid. Please use the link in your invoice email, or contact the business that sent it.</p>`,
  )
}

/** The line above the invoice: paid, cancelled or overdue. */
function statusLine(inv: CustomerInvoice): { ok?: string; error?: string } {
  if (inv.status === 'void') return { error: 'This invoice was cancelled: there is nothing to pay.' }
  if (inv.dueCents <= 0 && inv.status !== 'draft') return { ok: 'This invoice is paid. Thank you!' }
  if (inv.isOverdue) return { error: `This invoice was due ${dayWords(inv.dueOn)}.` }
  return {}
}

/** The invoice as its customer reads it; then, while something is due, the way to pay; then the business's note. */
function invoicePage(inv: CustomerInvoice, secret: string): SafeHtml {
  const money = (cents: number) => formatMoney(cents, inv.currency)
  const lines = inv.lines.map(
    (l) =>
      html`<tr><td>${l.description}${
        l.quantity > 1 ? html` <span class="note">× ${l.quantity} at ${money(l.unit_price_cents)}</span>` : ''
      }</td><td class="num">${money(l.price_cents)}</td></tr>`,
  )
  const taxes = taxRows(inv.lines, inv.taxCents, money).map((t) => html`<tr><td>${t.label}</td><td class="num">${money(t.cents)}</td></tr>`)
  const paid = inv.payments.map(
    (p) =>
      html`<tr><td>Paid ${dayWords(p.received_on)} (${METHOD_WORDS[p.method] ?? 'other'})</td><td class="num">−${money(p.amount_cents)}</td></tr>`,
  )
  return html`${businessCard(inv.business, `/pay/${secret}/logo`)}
<div class="card"><p>Invoice ${inv.number} for ${inv.customerName}<br>Issued ${dayWords(inv.issuedOn)}, due ${dayWords(inv.dueOn)}</p>
<table><thead><tr><th>Work</th><th class="r">Price</th></tr></thead><tbody>${lines}</tbody>
<tfoot><tr><td>Subtotal</td><td class="num">${money(inv.subtotalCents)}</td></tr>
${taxes}<tr><th>Total</th><th class="r">${money(inv.totalCents)}</th></tr>${paid}
<tr><th>Amount due</th><th class="r">${money(inv.dueCents)}</th></tr></tfoot></table></div>
${waysToPay(inv, secret, money)}${businessNote(inv.business.name, inv.notes)}
<p><a href="/pay/${secret}/invoice.pdf">Download the invoice as a PDF</a></p>`
}

/**
 * How to pay what is due, made by the product alone: the amount and due date, Pay while payments are on, and the
 * payment instructions from the business's settings. Nothing while nothing is due.
 */
function waysToPay(inv: CustomerInvoice, secret: string, money: (cents: number) => string): SafeHtml {
  if (inv.dueCents <= 0 || inv.status === 'void') return html``
  const instructions = inv.paymentInstructions.trim()
  const online = inv.payOnline
    ? html`<p><a class="button" href="/pay/${secret}/checkout">Pay ${money(inv.dueCents)} by card</a></p>
<p class="note">Pay opens our payment provider Stripe's secure page.</p>`
    : ''
  const written = instructions
    ? html`${inv.payOnline ? html`<h3>Other ways to pay</h3>` : ''}<p class="wrap">${withBreaks(instructions)}</p>`
    : inv.payOnline
      ? ''
      : html`<p>Please contact ${inv.business.name} to pay.</p>`
  return payBlock(
    'How to pay',
    html`<p class="total">Amount due: <strong>${money(inv.dueCents)}</strong>, due ${dayWords(inv.dueOn)}</p>${online}${written}`,
    inv.business.name,
  )
}

/**
 * Pay: straight on to Stripe's checkout page (the open one, or a new one once it expired), or a small page saying why
 * there is nothing to pay online.
 */
async function pay(services: Services, guesses: LinkGuesses, req: Request, res: Response): Promise<void> {
  let outcome
  try {
    outcome = await openPayLink(services, String(req.params.secret))
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'UNAVAILABLE') throw err
    log('warn', 'pay link could not open a checkout', { request_id: stateOf(res).requestId, error: err.message })
    res.set('retry-after', '60')
    sendLinkPage(res, 503, 'Payment', html`<p>Online payment is not available this minute. Please try again in a few minutes.</p>`)
    return
  }
  res.set('cache-control', 'no-store')
  if (outcome.kind === 'checkout') {
    res.redirect(303, outcome.url)
    return
  }
  if (outcome.kind === 'unknown') return notValid(guesses, req, res)
  const back = html`<p><a href="/pay/${req.params.secret}">Back to the invoice</a></p>`
  if (outcome.kind === 'payments_off') {
    sendLinkPage(
      res,
      503,
      `Invoice ${outcome.number}`,
      html`<p>${outcome.business} does not take payments online right now.</p>${
        outcome.instructions.trim()
          ? payBlock('How to pay', html`<p class="wrap">${withBreaks(outcome.instructions.trim())}</p>`, outcome.business)
          : ''
      }${back}`,
    )
    return
  }
  const said =
    outcome.status === 'paid'
      ? 'is paid. Thank you!'
      : outcome.status === 'void'
        ? 'was cancelled: there is nothing to pay.'
        : 'has nothing left to pay.'
  sendLinkPage(res, 200, `Invoice ${outcome.number}`, html`<p>Invoice ${outcome.number} from ${outcome.business} ${said}</p>${back}`)
}

/** An invoice's page: GET only, so it reads no body. */
export const payLinkPage = defineCustomerPage({
  mount: 'before_bodies',
  countsGuesses: true,
  routes: payLinkRoutes,
})
