import { z } from 'zod'
import type { CapabilityWebhook, WebhookDelivery } from '../../kernel/plug-in.js'
import type { Services } from '../../kernel/context.js'
import { readSvixDelivery } from '../../http/svix-delivery.js'
import { log } from '../../kernel/log.js'
import { requireInboundEmail } from './availability.js'
import { receiveInboundEmail } from './receive.js'
import { inboundEmailSettingsFrom, inboundEmailSettingsOf } from './settings.js'

/** A text field cut to what the product keeps of it: an email whose header runs on is still kept, not refused. */
const cut = (max: number) => z.string().transform((v) => v.slice(0, max))

/** An address list as providers send it: one string or several, an address also as {email} or {address}. */
const addresses = z
  .union([z.array(z.unknown()), z.string()])
  .nullish()
  .transform((v) =>
    (Array.isArray(v) ? v : v ? [v] : [])
      .map((a) => (typeof a === 'string' ? a : addressOf(a)))
      .filter((a) => a !== '')
      .slice(0, 200)
      .map((a) => a.slice(0, 2000)),
  )

/** The address in an object a provider may send instead of a string; '' when it holds none. */
function addressOf(item: unknown): string {
  if (!item || typeof item !== 'object') return ''
  const { email, address } = item as { email?: unknown; address?: unknown }
  return typeof email === 'string' ? email : typeof address === 'string' ? address : ''
}

/** A From header cut to what is kept with its address whole, so the email can still be answered ("<a long name> <pat@x>"). */
function fromKept(from: string): string {
  if (from.length <= 2000) return from
  const address = /<([^<>\s]{3,320})>\s*$/.exec(from)?.[1] ?? /[^\s<>"]+@[^\s<>"]+/.exec(from.slice(-400))?.[0]
  return address ? `${from.slice(0, 1900).trimEnd()}… <${address}>` : from.slice(0, 2000)
}

/** How much of an event that cannot be read at all the log keeps, so the owner's operator can still find the mail. */
const RAW_KEPT = 8_000

/** Resend's email.received event (metadata only); a provider that posts the mail itself adds text, html and headers. */
const receivedSchema = z
  .object({
    type: z.string().min(1),
    data: z
      .object({
        email_id: z.string().min(1).max(200),
        created_at: cut(100).nullish(),
        from: z.string().transform(fromKept),
        to: addresses,
        cc: addresses,
        bcc: addresses,
        received_for: addresses,
        subject: cut(2000).nullish(),
        message_id: cut(2000).nullish(),
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
 * so Resend delivers it again. A field longer than the product keeps is cut, not refused; an event that cannot be read
 * even so (no email id) is acknowledged with its raw body in the log, since no redelivery would read it better.
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
    // Signed, so ours to keep: what cannot be read now cannot be read on redelivery either. Kept in the log, acknowledged.
    const why = event.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    log('warn', 'inbound email event could not be read; acknowledged, its raw body kept here', {
      event_id: eventId,
      why,
      raw: JSON.stringify(parsed).slice(0, RAW_KEPT),
    })
    return { received: true, outcome: 'unreadable' }
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
