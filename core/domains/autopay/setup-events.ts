import { paymentsOf } from '../../clients/payments.js'
import type { Plug } from '../../kernel/domain-manifest.js'
import type { CheckoutEvent, CheckoutOutcome } from '../../vocabulary/checkout-payees.js'
import type { OperationContext, Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { AppError } from '../../kernel/errors.js'
import { log } from '../../kernel/log.js'
import { contextOf } from '../../kernel/operations-context.js'
import { markCardLinkUsed } from './card-links.js'
import { mandateText, saveCard } from './saved-cards.js'

/** A card link's row as what follows a saved card needs it. */
export interface SavedThrough {
  id: string
  contact_id: string
  purpose: 'accept_plan' | 'update_card'
  customer_plan_id: string | null
  invoice_id: string | null
}

/** What accepting a plan does once its card is saved: the plans domain registers it (cards does not import plans). */
export interface PlanAcceptance {
  /** The plan's name and price in words for the mandate, or null when the plan cannot be accepted any more. */
  terms(ctx: OperationContext, customerPlanId: string): Promise<{ name: string; price: string } | null>
  /** Starts the plan: accepted by its customer, who agreed to the mandate when saving their card. */
  accept(ctx: OperationContext, customerPlanId: string, mandate: string): Promise<void>
}

let planAcceptance: PlanAcceptance | null = null

/** Names what accepting a plan does; plugged in by the plans domain's manifest (planAcceptancePlug). */
export function registerPlanAcceptance(acceptance: PlanAcceptance): void {
  planAcceptance = acceptance
}

/**
 * Applies a completed Checkout Session in setup mode to the card link its metadata names: reads the card Stripe saved
 * (its brand, last four and expiry; never its number), keeps it as the customer's current card with the mandate they
 * agreed to, and, for a plan's link, accepts the plan. Once per session: a redelivered event changes nothing.
 */
export async function applyCardSetup(
  services: Services,
  tenantId: string,
  linkId: string,
  event: CheckoutEvent,
  requestId: string,
): Promise<CheckoutOutcome> {
  if (event.type !== 'checkout.session.completed') return 'ignored'
  const setupIntent = typeof event.session.setup_intent === 'string' ? event.session.setup_intent : null
  if (!setupIntent) {
    log('error', 'stripe setup session completed without a setup intent', { event_id: event.id, card_link_id: linkId })
    return 'refused'
  }
  const payments = paymentsOf(services)
  if (!payments) throw new AppError('UNAVAILABLE', 'A saved card cannot be read while payments are off')
  const details = await payments.savedCardOf(setupIntent)
  return withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) => {
    const r = await tx.query<SavedThrough>(
      'select id, contact_id, purpose, customer_plan_id, invoice_id from card_links where id = $1 for update',
      [linkId],
    )
    const link = r.rows[0]
    if (!link) return 'unknown_card_link'
    const ctx = contextOf(services, { tenantId, actor: { type: 'system', id: null } }, tx, requestId, 'The customer saved a card', () => {
      throw new Error('saving a card has no effects after commit')
    })
    const business = (await tx.query<{ name: string }>('select name from tenants where id = $1', [tenantId])).rows[0].name
    const plan = link.customer_plan_id && planAcceptance ? await planAcceptance.terms(ctx, link.customer_plan_id) : null
    const mandate = mandateText(business, plan)
    const { saved } = await saveCard(ctx, link.contact_id, details, event.session.id, mandate)
    await markCardLinkUsed(tx, link.id, services.now())
    if (saved && plan && link.customer_plan_id && planAcceptance) await planAcceptance.accept(ctx, link.customer_plan_id, mandate)
    return saved ? 'recorded' : 'replayed'
  })
}

/** What accepting a plan through a saved card does, for the plans domain's manifest's plugs. */
export function planAcceptancePlug(acceptance: PlanAcceptance): Plug {
  return { into: 'autopay.plan-acceptance', plugIn: () => registerPlanAcceptance(acceptance) }
}
