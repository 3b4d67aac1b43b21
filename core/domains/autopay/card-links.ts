import { paymentsOf } from '../../clients/payments.js'
import { randomUUID } from 'node:crypto'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { defineSecretLink } from '../../links/secret-link.js'
import type { TemplateValues } from '../../text/templating.js'

/**
 * A link a customer opens to save a card, without signing in: to accept a service plan, or to replace a card that was
 * declined. Saving happens on Stripe's page (Checkout in setup mode): the card number never reaches this server. A later
 * visit still shows it, and may save another card, for thirty days.
 */
export const CARD_LINK = defineSecretLink({
  kind: 'card_link',
  table: 'card_links',
  opens: "a customer's saved card, and the plan it accepts",
  lives: { days: 30 },
  use: 'lasting',
})

/** The message kinds that carry a card link. */
const CARD_KINDS = ['plan_offer', 'card_request']

/** The address of a card link. */
export function cardLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/card/${token}`
}

/** The card link of a plan offer or a card request ({{card_link}}), made at delivery inside the worker's tenant transaction. */
export async function issueCardLink(
  tx: Queryable,
  services: Services,
  tenantId: string,
  message: { kind: string; contact_id: string; invoice_id: string | null; customer_plan_id: string | null },
): Promise<TemplateValues> {
  if (!CARD_KINDS.includes(message.kind)) return {}
  const { secret, hash } = CARD_LINK.mint()
  const planId = message.kind === 'plan_offer' ? message.customer_plan_id : null
  await tx.query(
    `insert into card_links (tenant_id, contact_id, purpose, customer_plan_id, invoice_id, token_hash, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      tenantId,
      message.contact_id,
      planId ? 'accept_plan' : 'update_card',
      planId,
      message.invoice_id,
      hash,
      CARD_LINK.expiresAt(services.now()),
    ],
  )
  return { card_link: cardLinkUrl(services.config.publicBaseUrl, secret) }
}

/** A card link as its page shows it. */
export interface CardLink {
  id: string
  tenantId: string
  contactId: string
  purpose: 'accept_plan' | 'update_card'
  customerPlanId: string | null
  invoiceId: string | null
  expired: boolean
  businessName: string
  customerName: string
  email: string | null
  stripeCustomerId: string | null
  /** The card saved now, if any: "Visa ending 4242". */
  currentCard: string | null
}

/** Runs `use` on the link a token opens, in its business's transaction as the system, the link locked; null for a token of no link. */
export async function inBusinessOfCardLink<T>(
  services: Services,
  token: string,
  requestId: string,
  use: (tx: Queryable, link: CardLink) => Promise<T>,
): Promise<T | null> {
  return CARD_LINK.inBusiness(
    services,
    token,
    requestId,
    async (tx, { tokenHash, tenantId }) => {
      const link = await loadCardLink(tx, services, tokenHash, tenantId)
      return link ? use(tx, link) : null
    },
    { lock: true },
  )
}

/** The link of a secret's hash in the transaction's business; a customer merged since is the one they joined. */
async function loadCardLink(tx: Queryable, services: Services, tokenHash: string, tenantId: string): Promise<CardLink | null> {
  const r = await tx.query<Record<string, any>>(
    `select l.id, c.id as contact_id, l.purpose, l.customer_plan_id, l.invoice_id, l.expires_at, t.name as business_name,
            c.display_name, c.email, c.stripe_customer_id,
            (select s.brand || ' ending ' || s.last4 from saved_cards s where s.contact_id = c.id and s.replaced_at is null) as current_card
       from card_links l join contacts m on m.id = l.contact_id join contacts c on c.id = coalesce(m.merged_into, m.id)
       join tenants t on t.id = l.tenant_id
      where l.token_hash = $1`,
    [tokenHash],
  )
  const row = r.rows[0]
  if (!row) return null
  return {
    id: row.id,
    tenantId,
    contactId: row.contact_id,
    purpose: row.purpose,
    customerPlanId: row.customer_plan_id,
    invoiceId: row.invoice_id,
    expired: new Date(row.expires_at).getTime() <= services.now().getTime(),
    businessName: row.business_name,
    customerName: row.display_name,
    email: row.email,
    stripeCustomerId: row.stripe_customer_id,
    currentCard: row.current_card ? cardWords(row.current_card) : null,
  }
}

/** "visa ending 4242" as a customer reads it: "Visa ending 4242". */
export function cardWords(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Marks a link used (a card was saved through it); a later visit still shows it, and may save another card. */
export async function markCardLinkUsed(tx: Queryable, linkId: string, at: Date): Promise<void> {
  await tx.query('update card_links set used_at = coalesce(used_at, $2) where id = $1', [linkId, at])
}

/**
 * Opens Stripe's page to save a card for a link: the customer's Stripe customer made first when they have none (its
 * key is the contact's, so a retry finds the same one), then a Checkout Session in setup mode naming the link (and the
 * plan it accepts) in its metadata, so the webhook knows where the card goes. Stripe calls run outside any transaction.
 */
export async function openCardSetup(
  services: Services,
  link: CardLink,
  currency: string,
  description: string,
  returnUrl: string,
  requestId: string,
): Promise<string> {
  const payments = paymentsOf(services)
  if (!payments) throw new AppError('UNAVAILABLE', 'Saving a card is off: this business has not turned on online payments')
  let customerId = link.stripeCustomerId
  if (!customerId) {
    customerId = (
      await payments.createCustomer(
        { name: link.customerName, email: link.email, phone: null, metadata: { tenant_id: link.tenantId, contact_id: link.contactId } },
        `customer-${link.contactId}`,
      )
    ).id
    await withTenant(services.db, { tenantId: link.tenantId, actorType: 'system', requestId }, (tx) =>
      tx.query('update contacts set stripe_customer_id = coalesce(stripe_customer_id, $2) where id = $1', [link.contactId, customerId]),
    )
  }
  const metadata: Record<string, string> = { tenant_id: link.tenantId, contact_id: link.contactId, card_link_id: link.id }
  if (link.customerPlanId) metadata.customer_plan_id = link.customerPlanId
  const session = await payments.createSetupSession(
    { customerId, successUrl: `${returnUrl}?saved=1`, cancelUrl: returnUrl, metadata, currency, description },
    `setup-${link.id}-${randomUUID()}`,
  )
  await withTenant(services.db, { tenantId: link.tenantId, actorType: 'system', requestId }, (tx) =>
    tx.query('update card_links set checkout_session_id = $2 where id = $1', [link.id, session.id]),
  )
  return session.url
}
