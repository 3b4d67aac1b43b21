import { emailHtml } from '../../clients/email-html.js'
import type { EmailMessage } from '../../clients/email.js'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { log } from '../../kernel/log.js'
import { whenTextWithZone } from '../../text/date-words.js'
import type { OfferPlan } from './plan.js'
import { howWeTakeMoney } from '../settings/ways-to-pay.js'

/** Where the customer's browser is sent to pick a time. */
export function offerLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/offer/${token}`
}

/** The offer's email: the times in the business's words and zone, the day to pick by, and the one link that books one. */
export function offerEmail(plan: OfferPlan, link: string, note: string | null): Pick<EmailMessage, 'to' | 'subject' | 'text' | 'html'> {
  const tz = plan.settings.timezone
  const times = plan.slots.map((s) => `- ${whenTextWithZone(s.start, tz)}`).join('\n')
  const text =
    `Hi ${plan.recipient.firstName},\n\n` +
    `${plan.settings.name} can come for ${plan.serviceNames.join(', ')} at ${plan.slots.length === 1 ? 'this time' : 'one of these times'}:\n\n${times}\n\n` +
    (note ? `${note}\n\n` : '') +
    `${plan.slots.length === 1 ? 'Book it here' : 'Pick the time that suits you here'}: ${link}\n\n` +
    `${pickByLine(plan.expiresAt, tz)} Your pick books the visit and confirms it: there is nothing else to confirm.\n\n` +
    howWeTakeMoney(plan.settings.name, 'on its invoices')
  return {
    to: plan.recipient.email,
    subject: `Pick a time for your visit with ${plan.settings.name}`,
    text,
    html: emailHtml(text, plan.settings.name),
  }
}

/** The deadline to pick, as the email and the page both say it: "Pick a time by ... CST; after that these times are released." */
export function pickByLine(expiresAt: Date, timeZone: string): string {
  return `Pick a time by ${whenTextWithZone(expiresAt, timeZone)}; after that these times are released.`
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
