import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import type { Services } from '../../kernel/context.js'
import { log } from '../../kernel/log.js'
import type { ChannelMessage, ChannelOutgoing, ChannelRefusal, MessageChannel } from '../../kernel/message-channel.js'
import { addDays, dayRange, localDate } from '../../vocabulary/time.js'
import { textConsentOf } from '../messages/kinds.js'
import { loadTenantSettings } from '../settings/model.js'
import { textingContact, textSettingsRow, textsSentSince } from './consent.js'
import { textableOrWhy } from './textable.js'
import { e164Of } from './numbers.js'
import { marketingMayGoAt } from './quiet-hours.js'
import { textSize } from './segments.js'
import { textSettingsOf, textsOffReason } from './settings.js'
import { findTwilioTexts, sendTwilioText, TextSendError, type TwilioText } from './twilio.js'
import { STATUS_WEBHOOK_PATH } from './webhook-paths.js'

/** Texts as a channel of the declared kinds of message: delivery asks it who may be texted, and sends through it. */
export const textChannel: MessageChannel = {
  name: 'text',
  offReason: (services) => {
    const off = textsOffReason(textSettingsOf(services))
    return off ? `texts are off on this server: ${off}` : null
  },
  refuse: refuseText,
  addressOf: async (tx, _services, message) => {
    const contact = await textingContact(tx, message.contact_id)
    return contact ? e164Of(contact.phone, (await loadTenantSettings(tx)).timezone) : null
  },
  send: sendText,
}

/**
 * Why a text must not go to its customer now: no number that takes texts, a STOP, no consent of the kind the message
 * needs (visit texts, or marketing), no texting number for the business, the business's daily limit reached (held to
 * the next day), or, for marketing, the customer's quiet hours (held to their next 8:00). Null when it may go.
 */
async function refuseText(tx: Queryable, _services: Services, message: ChannelMessage, now: Date): Promise<ChannelRefusal | null> {
  const settings = await loadTenantSettings(tx)
  const consent = textConsentOf(message.kind) ?? 'service'
  const found = await textableOrWhy(tx, message.contact_id, consent)
  // A STOP cancels what was queued before it; any other reason fails the message, saying what to do.
  if ('why' in found) return found.why === 'stopped' ? { cancel: found.words } : { fail: found.words }
  const today = localDate(now, settings.timezone)
  if ((await textsSentSince(tx, dayRange(today, settings.timezone).start)) >= found.dailyLimit) {
    return {
      until: dayRange(addDays(today, 1), settings.timezone).start,
      why: `the business's limit of ${found.dailyLimit} texts a day is reached; it goes tomorrow`,
    }
  }
  const contact = found.contact
  if (consent === 'marketing') {
    const zone = contact.time_zone ?? settings.timezone
    const at = marketingMayGoAt(now, zone)
    if (at.getTime() > now.getTime()) return { until: at, why: `marketing texts go only 8:00 to 21:00 in the customer's zone (${zone})` }
  }
  return null
}

/** The row that keeps one message's text, made before Twilio is called. */
interface Kept {
  id: string
  provider_sid: string | null
  status: string
}

/**
 * Sends one message's text once. Its row in text_messages is kept before Twilio is called, one per message: a second
 * worker or a retry finds it and sends nothing twice. A send cut short (no answer kept) is looked for in Twilio's list
 * before it is sent again. A STOP Twilio reports (21610) is kept for the number.
 */
async function sendText(services: Services, tenantId: string, message: ChannelMessage, outgoing: ChannelOutgoing) {
  const settings = textSettingsOf(services)
  const scope = { tenantId, actorType: 'system' as const, requestId: `text-${message.id}` }
  const size = textSize(outgoing.body)
  const { kept, from } = await withTenant(services.db, scope, async (tx) => {
    const business = await textSettingsRow(tx)
    const inserted = await tx.query<Kept>(
      `insert into text_messages (tenant_id, direction, contact_id, phone, business_phone, body, segments, status, scheduled_message_id, ticket_id, created_at)
       values ($1, 'out', $2, $3, $4, $5, $6, 'sending', $7, $8, $9)
       on conflict (tenant_id, scheduled_message_id) where scheduled_message_id is not null and direction = 'out' do nothing
       returning id, provider_sid, status`,
      [
        tenantId,
        message.contact_id,
        outgoing.to,
        business.from_number,
        outgoing.body,
        size.segments,
        message.id,
        message.ticket_id ?? null,
        services.now(),
      ],
    )
    const row =
      inserted.rows[0] ??
      (
        await tx.query<Kept>(
          `select id, provider_sid, status from text_messages where scheduled_message_id = $1 and direction = 'out' for update`,
          [message.id],
        )
      ).rows[0]
    if (!inserted.rows[0] && !row.provider_sid) {
      await tx.query(`update text_messages set status = 'sending', body = $2, segments = $3 where id = $1`, [
        row.id,
        outgoing.body,
        size.segments,
      ])
    }
    return { kept: { ...row, wasSending: !inserted.rows[0] && row.status === 'sending' }, from: business.from_number }
  })
  if (kept.provider_sid) return { id: kept.provider_sid }
  if (!from) throw new TextSendError('the business has no texting number', { retryable: false, providerStatus: null, twilioCode: null })
  const text = { from, to: outgoing.to, body: outgoing.body }
  let sent: TwilioText | null = null
  try {
    // An earlier attempt that got no answer may have gone: a text of Twilio's list with these words whose sid no row
    // here holds is that one (Twilio's clock is not ours, so the sid, not the time, tells).
    if (kept.wasSending) sent = await unrecordedText(services, scope, await findTwilioTexts(settings, text))
    sent ??= await sendTwilioText(settings, { ...text, statusCallback: `${settings.publicBaseUrl}${STATUS_WEBHOOK_PATH}` })
  } catch (err) {
    await withTenant(services.db, scope, (tx) => keepFailure(tx, tenantId, kept.id, outgoing.to, err))
    throw err
  }
  const answer = sent
  await withTenant(services.db, scope, (tx) =>
    // A delivery report may have come first: it is not moved back.
    tx.query(
      `update text_messages set provider_sid = $2, status = case when status in ('sending', 'failed') then $3 else status end,
         segments = $4, error_code = null, error_message = null where id = $1`,
      [kept.id, answer.sid, answer.status === 'accepted' ? 'queued' : answer.status, answer.segments],
    ),
  )
  log('info', 'text sent', { tenant_id: tenantId, message_id: message.id, sid: answer.sid, segments: answer.segments })
  return { id: answer.sid }
}

/** The first of Twilio's texts whose sid no text here holds; null when each is known. */
async function unrecordedText(
  services: Services,
  scope: Parameters<typeof withTenant>[1],
  found: TwilioText[],
): Promise<TwilioText | null> {
  if (!found.length) return null
  const known = await withTenant(services.db, scope, (tx) =>
    tx.query<{ provider_sid: string }>('select provider_sid from text_messages where provider_sid = any($1::text[])', [
      found.map((m) => m.sid),
    ]),
  )
  const sids = new Set(known.rows.map((r) => r.provider_sid))
  return found.find((m) => !sids.has(m.sid)) ?? null
}

/**
 * Keeps what Twilio said about a send that failed. A refusal Twilio answered is failed (a retry sends again); a send that
 * got no answer stays 'sending', so the next attempt looks for it first. A STOP Twilio reports is kept for the number.
 */
async function keepFailure(tx: Queryable, tenantId: string, id: string, phone: string, err: unknown): Promise<void> {
  if (!(err instanceof TextSendError) || err.providerStatus === null) return
  await tx.query(`update text_messages set status = 'failed', error_code = $2, error_message = $3 where id = $1`, [
    id,
    err.twilioCode,
    err.message,
  ])
  if (err.optedOut) {
    await tx.query('insert into text_opt_outs (tenant_id, phone, stopped_at) values ($1, $2, now()) on conflict do nothing', [
      tenantId,
      phone,
    ])
  }
}
