import { validateRequest } from 'twilio/lib/webhooks/webhooks.js'
import { withTenant } from '../../db/tenant.js'
import type { Services } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { log } from '../../kernel/log.js'
import { type CapabilityWebhook, type WebhookDelivery, WebhookReply } from '../../kernel/plug-in.js'
import { businessOfNumber } from './business-number.js'
import { receiveText } from './inbound.js'
import { textSettingsFrom, textSettingsOf, textsOffReason } from './settings.js'
import { INBOUND_WEBHOOK_PATH, STATUS_WEBHOOK_PATH } from './webhook-paths.js'

/** The parameters of a Twilio webhook, read from its form-encoded body once its signature is checked. */
type Params = Record<string, string>

/**
 * The form Twilio posted, once its X-Twilio-Signature is the account's (checked with Twilio's own validator over the
 * public address Twilio posted to and every parameter); a forged, altered or unsigned post is refused and changes nothing.
 */
function signedParams(services: Services, delivery: WebhookDelivery, path: string): Params {
  const settings = textSettingsOf(services)
  const off = textsOffReason(settings)
  if (off) throw new AppError('UNAVAILABLE', `Texts are off: ${off}`)
  const params: Params = Object.fromEntries(new URLSearchParams(delivery.body.toString('utf8')))
  const signature = delivery.header('x-twilio-signature')
  const url = `${settings.publicBaseUrl}${path}`
  if (!signature || !validateRequest(settings.authToken as string, signature, url, params)) {
    const why = signature ? `the X-Twilio-Signature does not match a post to ${url}` : 'no X-Twilio-Signature'
    throw new AppError('VALIDATION_ERROR', `Webhook refused: ${why}`, { issues: [{ field: 'headers', message: why }] })
  }
  return params
}

/** TwiML that answers the customer with these words, or says nothing. */
function twiml(reply: string | null): WebhookReply {
  const escaped = reply?.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const body = escaped ? `<Response><Message>${escaped}</Message></Response>` : '<Response/>'
  return new WebhookReply('text/xml', `<?xml version="1.0" encoding="UTF-8"?>${body}`)
}

/** How the doctor judges the texts' webhooks: on with Twilio's keys, the auth token signing every post. */
const setup: CapabilityWebhook['setup'] = (config) => {
  const on = !textsOffReason(textSettingsFrom(config))
  return { on, secretSet: on }
}

/** POST /api/webhooks/texts: a text a customer sent to a business's number (Twilio's incoming message webhook). */
export const inboundTextWebhook: CapabilityWebhook = {
  name: 'texts_inbound',
  label: 'Incoming texts',
  path: INBOUND_WEBHOOK_PATH,
  secretVariable: 'TWILIO_AUTH_TOKEN',
  setup,
  withoutSecret: { status: 'fail', effect: "texts are off: customers' replies (C, R, STOP) are not received" },
  setUpAt: "Twilio's console: the number's Messaging configuration, 'A message comes in' (see docs/texts.md)",
  receive: async (services, delivery) => {
    const p = signedParams(services, delivery, INBOUND_WEBHOOK_PATH)
    const count = Math.min(Number(p.NumMedia ?? 0) || 0, 10)
    const media = Array.from({ length: count }, (_, i) => ({
      url: p[`MediaUrl${i}`],
      contentType: p[`MediaContentType${i}`] ?? '',
    })).filter((m) => m.url)
    if (!p.MessageSid || !p.From || !p.To) {
      throw new AppError('VALIDATION_ERROR', 'An incoming text needs MessageSid, From and To', {
        issues: [{ field: 'body', message: 'expected MessageSid, From and To' }],
      })
    }
    const { reply } = await receiveText(services, { sid: p.MessageSid, from: p.From, to: p.To, body: p.Body ?? '', media })
    return twiml(reply)
  },
}

/** How far along a text's delivery each status is: a later callback never moves it back. */
const PROGRESS: Record<string, number> = { sending: 0, queued: 1, accepted: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3 }

/** POST /api/webhooks/texts/status: how a text's delivery went (Twilio's status callback). */
export const textStatusWebhook: CapabilityWebhook = {
  name: 'texts_status',
  label: 'Text delivery reports',
  path: STATUS_WEBHOOK_PATH,
  secretVariable: 'TWILIO_AUTH_TOKEN',
  setup,
  withoutSecret: { status: 'warn', effect: 'texts are off; without reports a text that did not arrive is not shown as such' },
  setUpAt: 'nothing to set: each text names this address as its StatusCallback',
  receive: async (services, delivery) => {
    const p = signedParams(services, delivery, STATUS_WEBHOOK_PATH)
    const status = p.MessageStatus ?? p.SmsStatus
    const tenantId = p.From ? await businessOfNumber(services, p.From) : null
    if (!tenantId || !p.MessageSid || !(status in PROGRESS)) {
      log('info', 'text status report for no text here; acknowledged', { sid: p.MessageSid, status })
      return { received: true, outcome: 'ignored' }
    }
    const code = p.ErrorCode && /^\d+$/.test(p.ErrorCode) ? Number(p.ErrorCode) : null
    const updated = await withTenant(services.db, { tenantId, actorType: 'system', requestId: `text-status-${p.MessageSid}` }, (tx) =>
      tx.query(
        `update text_messages set status = $2, error_code = coalesce($3, error_code),
           error_message = coalesce($4, error_message)
         where provider_sid = $1 and direction = 'out'
           and (case status when 'sending' then 0 when 'queued' then 1 when 'sent' then 2 else 3 end) < $5`,
        [p.MessageSid, status === 'accepted' ? 'queued' : status, code, code ? deliveryErrorWords(code) : null, PROGRESS[status]],
      ),
    )
    return { received: true, outcome: updated.rowCount ? 'updated' : 'unchanged' }
  },
}

/** What a delivery error code means, in the owner's words. */
function deliveryErrorWords(code: number): string {
  if (code === 30003) return 'the phone could not be reached (switched off or out of service) (Twilio 30003)'
  if (code === 30005) return 'the number does not exist (Twilio 30005)'
  if (code === 30006) return 'the number is a landline or cannot get texts (Twilio 30006)'
  if (code === 30007) return 'the carrier filtered the text as spam (Twilio 30007)'
  return `the carrier did not deliver it (Twilio ${code})`
}
