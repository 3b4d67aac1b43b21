import { z } from 'zod'
import type { SavedCardDetails } from '../../clients/payments.js'
import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { timestamp } from '../../kernel/output-types.js'

/** A saved card as the API shows it: never more of the card than its brand, last four and expiry. */
export const SAVED_CARD = z.object({
  id: z.uuid(),
  contact_id: z.uuid(),
  brand: z.string().describe('e.g. visa, mastercard'),
  last4: z.string(),
  exp_month: z.number().int(),
  exp_year: z.number().int(),
  mandate_text: z.string().describe('The words the customer agreed to when saving it'),
  saved_at: timestamp,
})
/** A saved card (SAVED_CARD). */
export type SavedCard = z.infer<typeof SAVED_CARD>

/** The columns of SAVED_CARD. */
export const SAVED_CARD_COLUMNS = 'id, contact_id, brand, last4, exp_month, exp_year, mandate_text, saved_at'

/** A customer's current card with what charging it needs; null when they have none. */
export async function currentCard(
  db: Queryable,
  contactId: string,
): Promise<(SavedCard & { stripe_customer_id: string; payment_method_id: string }) | null> {
  const r = await db.query<SavedCard & { stripe_customer_id: string; payment_method_id: string }>(
    `select ${SAVED_CARD_COLUMNS}, stripe_customer_id, payment_method_id from saved_cards where contact_id = $1 and replaced_at is null`,
    [contactId],
  )
  return r.rows[0] ?? null
}

/** The words a customer agrees to when saving a card: to accept a plan (with its price in words), or for invoices set to autopay. */
export function mandateText(businessName: string, plan: { name: string; price: string } | null): string {
  const what = plan
    ? `the ${plan.name} plan, ${plan.price}, on each of its charge dates, and any invoice of mine set to be paid by card`
    : 'invoices of mine set to be paid by card (autopay), on their due dates'
  return (
    `I authorize ${businessName} to charge this card for ${what}, until I cancel. I can ask ${businessName} to stop at any ` +
    'time; a charge I did not agree to can be disputed with my card issuer.'
  )
}

/**
 * Keeps the card a completed setup session saved as the customer's current one (the one before it replaced), once per
 * session: a redelivered event finds its row and changes nothing. Returns the card and whether it is new.
 */
export async function saveCard(
  ctx: OperationContext,
  contactId: string,
  card: SavedCardDetails,
  setupSessionId: string,
  mandate: string,
): Promise<{ card: SavedCard; saved: boolean }> {
  const known = await ctx.db.query<SavedCard>(`select ${SAVED_CARD_COLUMNS} from saved_cards where setup_session_id = $1`, [setupSessionId])
  if (known.rows[0]) return { card: known.rows[0], saved: false }
  const before = await currentCard(ctx.db, contactId)
  if (before) await ctx.db.query('update saved_cards set replaced_at = now() where id = $1', [before.id])
  const r = await ctx.db.query<SavedCard>(
    `insert into saved_cards (tenant_id, contact_id, stripe_customer_id, payment_method_id, brand, last4, exp_month, exp_year,
       mandate_text, setup_session_id, saved_at)
     values (app_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${SAVED_CARD_COLUMNS}`,
    [
      contactId,
      card.customerId,
      card.paymentMethodId,
      card.brand,
      card.last4,
      card.expMonth,
      card.expYear,
      mandate,
      setupSessionId,
      ctx.services.now(),
    ],
  )
  const saved = r.rows[0]
  await ctx.audit({
    entityType: 'contact',
    entityId: contactId,
    action: 'save_card',
    before: before ? { card: `${before.brand} ${before.last4}` } : null,
    after: { card: `${saved.brand} ${saved.last4}`, saved_card_id: saved.id },
  })
  return { card: saved, saved: true }
}
