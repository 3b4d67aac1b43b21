import { paymentsOf } from '../../core/clients/payments.js'
import { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { type CardLink, inBusinessOfCardLink, openCardSetup } from '../../core/domains/autopay/card-links.js'
import { mandateText } from '../../core/domains/autopay/saved-cards.js'
import { acceptWithoutCard, declinePlan, type PlanOffer, planOffer } from '../../core/domains/plans/acceptance.js'
import { loadTenantSettings } from '../../core/domains/settings/model.js'
import { AppError } from '../../core/kernel/errors.js'
import { CYCLE_WORDS } from '../../core/vocabulary/plan-cycles.js'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import { stateOf } from '../../core/http/request-state.js'
import { contextOf } from '../../core/kernel/operations-context.js'
import { html, type SafeHtml } from '../html.js'
import { sendLinkPage } from '../link-page.js'
import { howWeTakeMoney } from '../../core/domains/settings/ways-to-pay.js'
import { defineCustomerPage } from './page-declaration.js'

/** What an unknown link says. */
const UNKNOWN = 'This link is not valid. Please use the link in your most recent email, or contact the business that sent it.'

/** What a link past its time says. */
const EXPIRED = 'This link has expired. Please ask the business that sent it for a new one.'

/** What the page needs: the link, and for a plan its offer; the currency a setup session is opened in. */
interface CardView {
  link: CardLink
  offer: PlanOffer | null
  currency: string
}

/**
 * The page a card link opens, without signing in: a plan offer (what it includes, its charges, its terms and the mandate)
 * with Accept and No thanks, or a request to save a card. Saving goes to Stripe's page (Checkout in setup mode), so no
 * card number reaches this server; the card is kept when Stripe's webhook says it was saved. GET changes nothing.
 */
export function cardRoutes(services: Services, guesses: LinkGuesses): Router {
  const router = Router()
  const view = (token: string, requestId: string) =>
    inBusinessOfCardLink<CardView>(services, token, requestId, async (tx, link) => ({
      link,
      offer: link.customerPlanId ? await planOffer(tx, link.customerPlanId, services.now(), paymentsOf(services) !== null) : null,
      currency: (await loadTenantSettings(tx)).currency,
    }))

  router.get('/card/:token', async (req, res) => {
    const found = await view(req.params.token, stateOf(res).requestId)
    if (!found) {
      await guesses.unknown(req)
      return sendLinkPage(res, 404, 'Save a card', html``, { error: UNKNOWN })
    }
    const saved = req.query.saved === '1'
    sendLinkPage(
      res,
      200,
      found.offer ? `Your ${found.offer.plan.name} plan` : 'Save a card',
      pageBody(services, req.params.token, found, saved),
    )
  })

  router.post('/card/:token', async (req, res) => {
    const requestId = stateOf(res).requestId
    const found = await view(req.params.token, requestId)
    if (!found) {
      await guesses.unknown(req)
      return sendLinkPage(res, 404, 'Save a card', html``, { error: UNKNOWN })
    }
    const title = found.offer ? `Your ${found.offer.plan.name} plan` : 'Save a card'
    if (found.link.expired) return sendLinkPage(res, 410, title, html``, { error: EXPIRED })
    const answer = String((req.body as Record<string, unknown>)?.answer ?? '')
    if (found.offer && !found.offer.open)
      return sendLinkPage(res, 409, title, html``, { error: `This plan is ${found.offer.plan.status}: there is nothing to accept.` })
    if (answer === 'decline' && found.offer) {
      await inBusinessOfCardLink(services, req.params.token, requestId, (tx, link) =>
        declinePlan(
          systemContext(services, tx, link, requestId, 'The customer declined the plan on its page'),
          String(link.customerPlanId),
        ),
      )
      return sendLinkPage(res, 200, title, html``, { ok: `Thank you for letting ${found.link.businessName} know.` })
    }
    if (answer === 'accept' && found.offer && !paymentsOf(services)) {
      await inBusinessOfCardLink(services, req.params.token, requestId, (tx, link) =>
        acceptWithoutCard(
          systemContext(services, tx, link, requestId, 'The customer accepted the plan on its page'),
          String(link.customerPlanId),
        ),
      )
      return sendLinkPage(res, 200, title, html`<p>Your invoices will come by email on each charge date.</p>`, {
        ok: `Thank you: your ${found.offer.plan.name} plan with ${found.link.businessName} has started.`,
      })
    }
    try {
      const description = found.offer ? `${found.offer.plan.name}: ${found.offer.price}` : `Card for ${found.link.businessName}`
      const url = await openCardSetup(
        services,
        found.link,
        found.offer?.plan.currency ?? found.currency,
        description,
        `${services.config.publicBaseUrl}/card/${req.params.token}`,
        requestId,
      )
      res.redirect(303, url)
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'UNAVAILABLE') throw err
      sendLinkPage(res, 503, title, html``, { error: 'Saving a card is not possible right now. Please try again in a few minutes.' })
    }
  })
  return router
}

/** The system's context in a link's business, acting on the customer's own request. */
function systemContext(services: Services, tx: Parameters<typeof contextOf>[2], link: CardLink, requestId: string, why: string) {
  return contextOf(services, { tenantId: link.tenantId, actor: { type: 'system', id: null } }, tx, requestId, why, () => {
    throw new Error('a customer answering on a card link has no effects after commit')
  })
}

/** The page's body: the offer and its terms with the buttons, or the card request. */
function pageBody(services: Services, token: string, v: CardView, saved: boolean): SafeHtml {
  const action = `/card/${token}`
  const current = v.link.currentCard ? html`<p>The card saved now: ${v.link.currentCard}.</p>` : html``
  if (saved)
    return html`<p class="ok" role="status">Thank you: Stripe is saving your card. ${v.link.businessName} will confirm it by email if anything is missing.</p>${current}`
  if (v.link.expired) return html`<p class="error" role="alert">${EXPIRED}</p>`
  const stripeNote = html`<p class="note">You save your card on Stripe's secure page; ${v.link.businessName} never sees its number, only its last four digits.</p>
<p class="note">${howWeTakeMoney(v.link.businessName, 'on its invoices')}</p>`
  if (!v.offer)
    return html`<p>${v.link.businessName} asks you to save a card for your payments to them.</p>${current}
<p class="note">${mandateText(v.link.businessName, null)}</p>${stripeNote}
<form method="post" action="${action}"><input type="hidden" name="answer" value="card"><button>Save a card</button></form>`
  const o = v.offer
  if (!o.open) return html`<p>This plan is ${o.plan.status}.</p>`
  const includes = o.plan.includes.map(
    (i) => html`<li>${i.service_name}: ${i.visits} visit${i.visits === 1 ? '' : 's'} each ${CYCLE_WORDS[o.plan.cycle]}</li>`,
  )
  const charges = o.charges.map((c) => html`<tr><td>${c.on}</td><td>${c.amount}</td></tr>`)
  const accept = paymentsOf(services) ? 'Accept and save a card' : 'Accept'
  return html`<p>${v.link.businessName} offers you the <strong>${o.plan.name}</strong> plan: ${o.price}.</p>
<h2>What it includes</h2><ul>${includes}</ul>
<h2>Charges</h2><table><thead><tr><th scope="col">Date</th><th scope="col">Amount</th></tr></thead><tbody>${charges}</tbody></table>
<h2>Terms</h2><p>${o.terms}</p>
${paymentsOf(services) ? html`<p class="note">By saving a card you agree: ${mandateText(v.link.businessName, { name: o.plan.name, price: o.price })}</p>${stripeNote}` : html`<p class="note">${howWeTakeMoney(v.link.businessName, 'on its invoices')}</p>`}
<form method="post" action="${action}"><input type="hidden" name="answer" value="accept"><button>${accept}</button></form>
<form method="post" action="${action}"><input type="hidden" name="answer" value="decline"><button class="second">No thanks</button></form>`
}

/** The page a card link opens. */
export const cardPage = defineCustomerPage({
  mount: 'after_bodies',
  countsGuesses: true,
  routes: cardRoutes,
})
