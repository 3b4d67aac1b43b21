import { Router, type Response } from 'express'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import type { Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { depositLinkFor } from '../../core/domains/orders/deposits.js'
import { QUOTE_NOTE_MAX, type QuoteAnswer } from '../../core/domains/quotes/acceptance.js'
import {
  answerQuoteLink,
  quoteLinkLogo,
  viewQuoteLink,
  type QuoteLinkProblem,
  type QuoteLinkView,
} from '../../core/domains/quotes/quote-links.js'
import { stateOf } from '../../core/http/request-state.js'
import { html, type SafeHtml } from '../html.js'
import { sendLinkPage } from '../link-page.js'
import { dayWords } from '../../core/text/date-words.js'
import { formatMoney } from '../../core/vocabulary/money.js'
import { taxRows } from '../../core/text/tax-words.js'
import { field } from '../form-kit.js'
import { businessCard } from './business-card.js'
import { businessNote, payBlock } from './pay-block.js'
import { defineCustomerPage } from './page-declaration.js'

/** What each link asks and the button that answers. */
const ASK: Record<QuoteAnswer, { title: string; button: string; note: string }> = {
  accept: { title: 'Accept this quote', button: 'Accept the quote', note: 'Anything we should know, e.g. when suits you? (optional)' },
  decline: { title: 'Decline this quote', button: 'Decline the quote', note: 'Could you tell us why? (optional)' },
}

/** What the customer reads after answering. */
const DONE: Record<QuoteAnswer, string> = {
  accept: 'Thank you: the quote is accepted. We will be in touch to book the work.',
  decline: 'Thank you for letting us know.',
}

/** Why a link does nothing, with the status the page is served with. */
const PROBLEM: Record<QuoteLinkProblem, { status: number; text: string }> = {
  unknown: {
    status: 404,
    text: 'This link is not valid. Please use the link in your most recent email, or contact the business that sent it.',
  },
  used: { status: 409, text: 'This link was already used: we have your answer.' },
  answered: { status: 409, text: 'This quote was already answered: we have your answer.' },
  expired: {
    status: 410,
    text: 'This quote has expired and can no longer be accepted. Please ask the business that sent it for a new quote.',
  },
  cancelled: { status: 409, text: 'This quote was withdrawn, so there is nothing to answer.' },
  wrong_purpose: { status: 400, text: 'This link cannot give that answer. Please use the matching link in your email.' },
}

/**
 * The customer's quote pages, reached from a quote email without signing in. GET shows the quote with one button
 * (mail scanners open links); POST answers. The secret in the address is the only credential: an unknown one counts
 * with the client's other unknown links.
 */
export function quoteRoutes(services: Services, guesses: LinkGuesses): Router {
  const router = Router()
  router.get('/quote/:token', async (req, res) => {
    const view = await viewQuoteLink(services, req.params.token)
    if (view.problem === 'unknown') await guesses.unknown(req)
    if (view.problem) return problemPage(res, view.problem, view, req.params.token, await depositPart(services, view))
    const ask = ASK[view.purpose as QuoteAnswer]
    sendLinkPage(
      res,
      200,
      ask.title,
      html`${quoteCard(view, req.params.token)}${noteOf(view)}
<form method="post" action="/quote/${req.params.token}"><input type="hidden" name="answer" value="${view.purpose}">
<label>${ask.note}<textarea name="note" rows="3" maxlength="${QUOTE_NOTE_MAX}"></textarea></label><button>${ask.button}</button></form>`,
    )
  })
  router.get('/quote/:token/logo', async (req, res) => {
    const logo = await quoteLinkLogo(services, req.params.token)
    // A hit here says the secret is real as surely as the page does, so an unknown one counts the same.
    if (logo === 'unknown') await guesses.unknown(req)
    res.set({ 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' })
    if (!logo || logo === 'unknown') {
      res.status(404).type('text/plain').send('No logo')
      return
    }
    // The page asks for the logo under its hash: a new logo is a new address, so the old one may be kept a day.
    res.set({ 'Content-Type': logo.contentType, 'Cache-Control': 'private, max-age=86400' }).send(logo.bytes)
  })
  router.post('/quote/:token', async (req, res) => {
    const answer = field(req.body, 'answer')
    const note = field(req.body, 'note')
    const view = await answerQuoteLink(services, req.params.token, answer, note, stateOf(res).requestId)
    if (view.problem === 'unknown') await guesses.unknown(req)
    if (view.problem) return problemPage(res, view.problem, view, req.params.token)
    sendLinkPage(res, 200, 'Thank you', html`${quoteCard(view, req.params.token)}${await depositPart(services, view)}${noteOf(view)}`, {
      ok: DONE[view.purpose as QuoteAnswer],
    })
  })
  return router
}

function problemPage(res: Response, problem: QuoteLinkProblem, view: QuoteLinkView, token: string, deposit: SafeHtml = html``): void {
  const p = PROBLEM[problem]
  sendLinkPage(res, p.status, 'Quote', view.number ? html`${quoteCard(view, token)}${deposit}${noteOf(view)}` : html``, { error: p.text })
}

/**
 * After acceptance, in the way-to-pay block: the deposit the order asks, with the button to Stripe's page while it is
 * unpaid, or a word that it was received; when payments were off, that no deposit is taken. Nothing for a quote without
 * a deposit.
 */
async function depositPart(services: Services, view: QuoteLinkView): Promise<SafeHtml> {
  const name = view.business?.name ?? view.businessName ?? 'The business'
  if (view.depositWaived)
    return payBlock('Deposit', html`<p>No deposit is taken online: we will tell you how to pay when we book the work.</p>`, name)
  const d = view.deposit
  if (!d) return html``
  const amount = formatMoney(d.cents, view.currency ?? 'USD')
  if (d.paidCents > 0) return payBlock('Deposit', html`<p>Your deposit of ${amount} was received. Thank you.</p>`, name)
  let url: string | null = null
  try {
    url = await depositLinkFor(services, d.tenantId, d.orderId)
  } catch (err) {
    if (!(err instanceof AppError)) throw err
  }
  return payBlock(
    'How to pay the deposit',
    url
      ? html`<p class="total">Deposit due to book the work: <strong>${amount}</strong></p><p><a class="button" href="${url}">Pay the ${amount} deposit</a></p>
<p class="note">Pay opens our payment provider Stripe's secure page.</p>`
      : html`<p class="total">Deposit due to book the work: <strong>${amount}</strong></p>
<p class="note">The payment page cannot be opened right now: please use this link again shortly.</p>`,
    name,
  )
}

/** The quote as the customer reads it: each line with its price, then subtotal, tax with its rate, and total. */
function quoteCard(view: QuoteLinkView, token: string): SafeHtml {
  const cur = view.currency ?? 'USD'
  const money = (cents: number) => formatMoney(cents, cur)
  const lines = (view.lines ?? []).map(
    (
      l,
    ) => html`<tr><td>${l.description}${l.quantity > 1 ? html` <span class="note">× ${l.quantity} at ${money(l.unit_price_cents)}</span>` : ''}</td>
<td class="num">${money(l.price_cents)}</td></tr>`,
  )
  const taxes = taxRows(view.lines ?? [], view.taxCents ?? 0, money).map(
    (t) => html`<tr><td>${t.label}</td><td class="num">${money(t.cents)}</td></tr>`,
  )
  const business = view.business ? businessCard(view.business, `/quote/${token}/logo`) : html`<strong>${view.businessName}</strong>`
  return html`${business}<div class="card"><p>Quote ${view.number}, valid until ${dayWords(view.validUntil ?? '')}</p>
<table><thead><tr><th>Work</th><th class="r">Price</th></tr></thead><tbody>${lines}</tbody>
<tfoot><tr><td>Subtotal</td><td class="num">${money(view.subtotalCents ?? 0)}</td></tr>
${taxes}<tr><th>Total</th><th class="r">${money(view.totalCents ?? 0)}</th></tr></tfoot></table></div>`
}

/** The quote's notes, as the business's note. */
function noteOf(view: QuoteLinkView): SafeHtml {
  return businessNote(view.business?.name ?? view.businessName ?? 'the business', view.notes)
}

/** The page a quote link opens. */
export const quotePage = defineCustomerPage({
  mount: 'after_bodies',
  countsGuesses: true,
  routes: quoteRoutes,
})
