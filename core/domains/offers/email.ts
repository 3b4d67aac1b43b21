import { emailHtml } from '../../clients/email-html.js'
import type { EmailMessage } from '../../clients/email.js'
import type { Services } from '../../context.js'
import { withTenant } from '../../db/tenant.js'
import { log } from '../../log.js'
import { whenText } from '../messages/response-links.js'
import type { OfferPlan } from './plan.js'

/** Where the customer's browser is sent to pick a time. */
export function offerLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/offer/${token}`
}

/** The offer's email: the times in the business's words and the one link that books one of them. */
export function offerEmail(plan: OfferPlan, link: string, note: string | null): Pick<EmailMessage, 'to' | 'subject' | 'text' | 'html'> {
  const tz = plan.settings.timezone
  const times = plan.slots.map((s) => `- ${whenText(s.start, tz)}`).join('\n')
  const text =
    `Hello ${plan.recipient.name},\n\n` +
    `${plan.settings.name} can come for ${plan.serviceNames.join(', ')} at one of these times:\n\n${times}\n\n` +
    (note ? `${note}\n\n` : '') +
    `Pick the time that suits you here: ${link}\n\n` +
    `The link works until ${whenText(plan.expiresAt, tz)}. Once you pick, your visit is booked and the other times are released.`
  return {
    to: plan.recipient.email,
    subject: `Pick a time for your visit with ${plan.settings.name}`,
    text,
    html: emailHtml(text, plan.settings.name),
  }
}

/**
 * Sends an offer's email once its transaction has committed, under a key of its own so a repeat is never a second
 * email, and records on the offer that it went or why not (the agent reads email_error and can revoke and offer again).
 */
export async function sendOfferEmail(
  services: Services,
  scope: { tenantId: string; requestId: string },
  offerId: string,
  email: EmailMessage,
): Promise<void> {
  let error: string | null = null
  try {
    await services.email.send(email)
  } catch (err) {
    error = err instanceof Error ? err.message : String(err)
    log('warn', 'slot offer email not sent', { offer_id: offerId, error })
  }
  await withTenant(services.db, { tenantId: scope.tenantId, actorType: 'system', requestId: scope.requestId }, (tx) =>
    tx.query('update slot_offers set emailed_at = $2, email_error = $3 where id = $1', [offerId, error ? null : services.now(), error]),
  )
}
