// What an answer that queued an email says while email is off: the email waits in the outbox instead of reaching the
// customer, so a queued message never reads as one on its way to them.
import { z } from 'zod'
import type { Services } from '../../kernel/context.js'

/** The field an answer that queued an email carries while email is off, as its output schema declares it. */
export const EMAIL_DELIVERY = z
  .string()
  .optional()
  .describe('Present only while email is off (no RESEND_API_KEY): the email waits in the outbox and does not reach the customer')

/** `{ delivery }` with the words saying email is off and where the email waits; nothing while email reaches customers. */
export function emailDelivery(services: Pick<Services, 'email' | 'config'>): { delivery?: string } {
  if (services.email.delivers) return {}
  return {
    delivery:
      `email is off (no RESEND_API_KEY): this email waits in the outbox (${services.config.publicBaseUrl}/messages/outbox) ` +
      'and does not reach the customer until email is set up',
  }
}
