import { z } from 'zod'
import type { CapabilityWebhook, WebhookDelivery } from '../../capability.js'
import type { Services } from '../../context.js'
import { AppError } from '../../errors.js'
import { readSvixDelivery } from '../../http/svix-delivery.js'
import { log } from '../../log.js'
import { requireInboundEmail } from './availability.js'
import { receiveInboundEmail } from './receive.js'
import { inboundEmailSettingsFrom, inboundEmailSettingsOf } from './settings.js'

/** An address list as providers send it: one string or several. */
const addresses = z
  .union([z.array(z.string()), z.string()])
  .nullish()
  .transform((v) => (Array.isArray(v) ? v : v ? [v] : []))

/** Resend's email.received event (metadata only); a provider that posts the mail itself adds text, html and headers. */
const receivedSchema = z
  .object({
    type: z.string().min(1),
    data: z
      .object({
        email_id: z.string().min(1).max(200),
        created_at: z.string().nullish(),
        from: z.string().max(2000),
        to: addresses,
        cc: addresses,
        bcc: addresses,
        received_for: addresses,
        subject: z.string().nullish(),
        message_id: z.string().max(2000).nullish(),
        text: z.string().nullish(),
        html: z.string().nullish(),
        headers: z.record(z.string(), z.string()).nullish(),
      })
      .loose(),
  })
  .loose()

/**
 * POST /api/webhooks/inbound-email: mail sent to a business's inbound address, posted by Resend (event email.received)
 * or any provider that signs the Svix way. Mounted before the JSON body parser, because the signature covers the exact
 * bytes sent. A forged or stale delivery is refused and changes nothing; a replay is acknowledged and changes nothing.
 * An email is acknowledged only once kept, or when it is addressed to no business here: any other answer is not a 2xx,
 * so Resend delivers it again.
 */
export const inboundEmailWebhook: CapabilityWebhook = {
  name: 'inbound_email',
  label: 'Inbound email',
  path: '/api/webhooks/inbound-email',
  secretVariable: 'INBOUND_EMAIL_WEBHOOK_SECRET',
  setup: (config) => {
    const settings = inboundEmailSettingsFrom(config)
    return { on: Boolean(settings.domain), secretSet: Boolean(settings.webhookSecret) }
  },
  withoutSecret: { status: 'fail', effect: "inbound email is off: customers' emails to the business are not received" },
  setUpAt: "Resend's dashboard, Webhooks (event email.received; see docs/inbound-email.md)",
  receive: receiveEmail,
}

async function receiveEmail(services: Services, delivery: WebhookDelivery): Promise<unknown> {
  const { secret } = requireInboundEmail(inboundEmailSettingsOf(services))
  const { eventId, parsed } = await readSvixDelivery(secret, delivery)
  const event = receivedSchema.safeParse(parsed)
  if (!event.success && (parsed as { type?: unknown } | null)?.type === 'email.received') {
    // An email we cannot read may be addressed to a business here: refused, so Resend keeps it and delivers it again.
    const why = event.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    log('error', 'inbound email of a shape not read; refused so the provider delivers it again', { event_id: eventId, why })
    throw new AppError('INTERNAL', `This email.received event could not be read (${why}); it was not acknowledged`)
  }
  if (!event.success || event.data.type !== 'email.received') {
    // Signed, so well-meant: an event that is not a received email carries no mail; acknowledged, not retried for days.
    log('warn', 'inbound email webhook of another type; acknowledged', { request_id: delivery.requestId, event_id: eventId })
    return { received: true, outcome: 'ignored' }
  }
  const d = event.data.data
  const carried = d.text != null || d.html != null
  const outcome = await receiveInboundEmail(services, {
    eventId,
    emailId: d.email_id,
    from: d.from,
    to: d.to,
    cc: d.cc,
    bcc: d.bcc,
    receivedFor: d.received_for,
    subject: d.subject ?? null,
    messageId: d.message_id ?? null,
    createdAt: d.created_at ?? null,
    ...(carried ? { content: { text: d.text ?? null, html: d.html ?? null, headers: d.headers ?? null } } : {}),
  })
  return { received: true, outcome }
}
