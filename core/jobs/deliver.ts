import { createHash } from 'node:crypto'
import { systemAuditor, writeAudit } from '../kernel/audit.js'
import { emailHtml } from '../clients/email-html.js'
import type { EmailMessage } from '../clients/email.js'
import { SendError } from '../clients/send-error.js'
import { type ChannelMessage, type ChannelOutgoing, channelNamed, type MessageChannel } from '../kernel/message-channel.js'
import { paymentLinkFor } from '../domains/invoices/payment-link.js'
import type { Services } from '../kernel/context.js'
import { isDatabaseOutage } from '../db/outage.js'
import { withTenant } from '../db/tenant.js'
import { AppError, DatabaseUnavailableError } from '../kernel/errors.js'
import type { Queryable } from '../db/types.js'
import { issuePayLink } from '../domains/invoices/pay-links.js'
import { APPOINTMENT_KINDS } from '../domains/messages/appointment-messages.js'
import { KIND_DECLARATIONS } from '../domains/message-kinds.js'
import type { KindMessage } from '../domains/messages/message-kind.js'
import { MESSAGE_COLUMNS } from '../domains/messages/model.js'
import { renderMessage, renderTextMessage } from '../domains/messages/render.js'
import { loadTenantSettings, SETTINGS_READ } from '../domains/settings/model.js'
import { log } from '../kernel/log.js'
import type { ClaimedMessage } from './claim.js'

/** What became of one claimed message. `lost`: another worker holds it now (our lease ran out), so it is theirs to finish. */
export type DeliveryOutcome = 'sent' | 'retrying' | 'failed' | 'cancelled' | 'lost'

/** How delivery retries. */
export interface RetryPolicy {
  /** Attempts after which a message that keeps failing is marked failed. */
  maxAttempts: number
  /** Waits before the 2nd, 3rd, ... attempt, in seconds; the last one repeats. */
  backoffSeconds: number[]
}

/** Five attempts over about two and a half hours. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, backoffSeconds: [60, 300, 1800, 7200] }

/** The key the provider deduplicates on: one per message, so a re-send after a crash is never a second email. */
export function idempotencyKeyOf(messageId: string): string {
  return `scheduled-message-${messageId}`
}

const SNAPSHOT = `${MESSAGE_COLUMNS}, provider_message_id`

/** Kinds about one appointment that make no sense once it is cancelled, done or under way. */
const BEFORE_APPOINTMENT: readonly string[] = APPOINTMENT_KINDS

/** A message row as delivery reads it, with what decides whether it may go. */
interface Loaded {
  row: Record<string, unknown>
  email: string | null
  email_status: string
  ticket_number: number | null
  ticket_status: string | null
  ticket_start: Date | null
  invoice_number: string | null
  invoice_status: string | null
  /** The email as an earlier attempt handed it to the provider, if one did. */
  outgoing: Outgoing | null
}

/** What an attempt handed to the provider, kept so a later attempt sends the very same message under the same key. */
interface Outgoing {
  /** What the message was made from; when it changes (the message was edited), it is made again under a new key. */
  fingerprint: string
  key: string
  /** An email's parts; absent for a message on another channel. */
  email?: Pick<EmailMessage, 'to' | 'subject' | 'text' | 'html' | 'fromName' | 'replyTo' | 'headers'>
  /** What another channel (a text) hands its provider. */
  other?: ChannelOutgoing
}

/** A message ready to go: an email, or words for another channel (a text). */
type Ready = { email: EmailMessage } | { channel: MessageChannel; message: ChannelMessage; outgoing: ChannelOutgoing }

/** A step's verdict: stop with this outcome, or go on. */
type Stop = { stop: DeliveryOutcome }

/** A transaction that composes an email reads the business's settings: they travel with its BEGIN. */
const COMPOSING = { readAhead: [SETTINGS_READ] }

/**
 * Delivers one claimed message: checks it may still go, renders it with its delivery-time links, sends it with its
 * idempotency key and marks it; a failure is retried with backoff and, after the last attempt, marked failed with the
 * reason. Every change is made in the message's tenant transaction, audited as the system, and only while our lease
 * holds. Never throws: whatever happens ends in an outcome.
 */
export async function deliverMessage(
  services: Services,
  claim: ClaimedMessage,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<DeliveryOutcome> {
  const scope = { tenantId: claim.tenant_id, actorType: 'system' as const, requestId: `delivery-${claim.lease_token}` }
  try {
    const first = await withTenant(
      services.db,
      scope,
      async (tx) => {
        const loaded = await load(tx, claim)
        if (!loaded) return { stop: 'lost' } as Stop
        const stop = await refuse(tx, services, claim, loaded)
        if (stop) return stop
        const again = resend(claim, loaded)
        if (again) return again
        return loaded.row.invoice_id ? loaded : compose(tx, services, claim, loaded, {})
      },
      COMPOSING,
    )
    if ('stop' in first) return first.stop
    let ready: Ready
    if ('row' in first) {
      // Stripe is called outside any transaction; a link made there is then rendered into the message.
      const link = await paymentLinkFor(services, claim.tenant_id, String(first.row.invoice_id))
      const second = await withTenant(
        services.db,
        scope,
        async (tx) => {
          const loaded = await load(tx, claim)
          if (!loaded) return { stop: 'lost' } as Stop
          // The email carries the lasting /pay/ address of the invoice's page: Stripe's page expires within a day, an
          // invoice is often paid later. It is the pay link only while there is something to pay online.
          const page = await issuePayLink(tx, services, claim.tenant_id, String(loaded.row.invoice_id))
          return compose(tx, services, claim, loaded, { payment_link: link ? page : null, invoice_link: page })
        },
        COMPOSING,
      )
      if ('stop' in second) return second.stop
      ready = second
    } else {
      ready = first
    }
    const sent =
      'email' in ready
        ? await services.email.send(ready.email)
        : await ready.channel.send(services, claim.tenant_id, ready.message, ready.outgoing)
    return await markSent(services, claim, scope, sent.id)
  } catch (err) {
    return recordFailure(services, claim, scope, err, retry).catch((again: unknown) => {
      // The database itself failed: the lease runs out and another pass tries the message again.
      log('error', 'could not record a delivery failure', { message_id: claim.id, error: messageOf(again), cause: messageOf(err) })
      return 'lost' as const
    })
  }
}

/** The message with its contact, ticket and invoice, locked, while our lease still holds it; null when it does not. */
async function load(tx: Queryable, claim: ClaimedMessage): Promise<Loaded | null> {
  const r = await tx.query(
    `select m.*, c.email as _email, c.email_status as _email_status, t.number as _ticket_number, t.status as _ticket_status,
            t.scheduled_start as _ticket_start, i.number as _invoice_number, i.status as _invoice_status
     from (select ${SNAPSHOT}, outgoing as _outgoing from scheduled_messages where id = $1 and lease_token = $2 and status = 'pending' for update) m
     join contacts c on c.id = m.contact_id
     left join tickets t on t.id = m.ticket_id
     left join invoices i on i.id = m.invoice_id`,
    [claim.id, claim.lease_token],
  )
  const found = r.rows[0]
  if (!found) return null
  const row: Record<string, unknown> = {}
  const extra: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(found)) {
    if (key.startsWith('_')) extra[key.slice(1)] = value
    else row[key] = value
  }
  return { row, ...extra } as Loaded
}

/** Cancels or fails a message that must not go, with the reason; null when it may go. */
async function refuse(tx: Queryable, services: Services, claim: ClaimedMessage, m: Loaded): Promise<Stop | null> {
  const kind = String(m.row.kind)
  const now = services.now()
  let cancel: string | null = null
  if (m.ticket_status === 'cancelled') cancel = `appointment #${m.ticket_number} was cancelled`
  else if (BEFORE_APPOINTMENT.includes(kind) && m.ticket_status && ['completed', 'no_show', 'in_progress'].includes(m.ticket_status)) {
    cancel = `appointment #${m.ticket_number} is already ${m.ticket_status.replace('_', ' ')}`
  } else if (BEFORE_APPOINTMENT.includes(kind) && m.ticket_start && new Date(m.ticket_start).getTime() <= now.getTime()) {
    cancel = `appointment #${m.ticket_number} has already started`
  } else if (m.invoice_status === 'void') cancel = `invoice ${m.invoice_number} was voided`
  else {
    const hold = await KIND_DECLARATIONS.get(kind)?.holdBack?.(tx, m.row as KindMessage, now)
    if (hold && 'until' in hold) {
      await finish(tx, claim, m.row, 'postpone', 'send_at = $3, last_error = $4', [hold.until.toISOString(), `Not sent yet: ${hold.why}`])
      return { stop: 'retrying' }
    }
    cancel = hold?.cancel ?? null
  }
  if (cancel) {
    await finish(tx, claim, m.row, 'cancel', `status = 'cancelled', last_error = $3`, [`Not sent: ${cancel}`])
    return { stop: 'cancelled' }
  }
  let fail: string | null = null
  const channel = m.row.channel === 'email' ? null : channelNamed(services, String(m.row.channel))
  if (m.row.channel !== 'email') {
    const refusal = channel
      ? (channel.offReason(services) && { fail: channel.offReason(services) as string }) ||
        (await channel.refuse(tx, services, m.row as ChannelMessage, now))
      : { fail: `messages by ${m.row.channel} are off on this server` }
    if (refusal && 'until' in refusal) {
      await finish(tx, claim, m.row, 'postpone', 'send_at = $3, last_error = $4', [
        refusal.until.toISOString(),
        `Not sent yet: ${refusal.why}`,
      ])
      return { stop: 'retrying' }
    }
    if (refusal && 'cancel' in refusal) {
      await finish(tx, claim, m.row, 'cancel', `status = 'cancelled', last_error = $3`, [`Not sent: ${refusal.cancel}`])
      return { stop: 'cancelled' }
    }
    fail = refusal?.fail ?? null
  } else if (!m.email?.trim()) fail = 'the contact has no email address'
  else if (m.email_status === 'bounced') fail = `email to ${m.email} bounced before; give the contact a working email address`
  else if (m.email_status === 'complained') fail = `${m.email} marked an earlier email as spam (complaint); we do not email it again`
  if (fail) {
    await finish(tx, claim, m.row, 'fail', `status = 'failed', last_error = $3`, [`Not sent: ${fail}`])
    return { stop: 'failed' }
  }
  return null
}

/** The email of a message that may go: rendered with its links, wrapped in our HTML, from the business. */
async function compose(
  tx: Queryable,
  services: Services,
  claim: ClaimedMessage,
  m: Loaded,
  links: { payment_link?: string | null; invoice_link?: string | null },
): Promise<Ready | Stop> {
  const settings = await loadTenantSettings(tx)
  const issued = (await KIND_DECLARATIONS.get(String(m.row.kind))?.issueLinks?.(tx, services, claim.tenant_id, m.row as KindMessage)) ?? {}
  if (m.row.channel !== 'email') return composeOther(tx, services, claim, m, { ...issued, ...links }, settings)
  const rendered = await renderMessage(tx, m.row, settings, { ...issued, ...links })
  if (!rendered.subject.trim() || !rendered.body.trim()) {
    await finish(tx, claim, m.row, 'fail', `status = 'failed', last_error = $3`, [
      `Not sent: the message renders with an empty ${rendered.subject.trim() ? 'body' : 'subject'}`,
    ])
    return { stop: 'failed' }
  }
  const fingerprint = fingerprintOf(m)
  const outgoing: Outgoing = {
    fingerprint,
    // An edited message is a new email: a new key, so the provider does not refuse it as a changed repeat.
    key: m.outgoing ? `${idempotencyKeyOf(claim.id)}-${fingerprint.slice(0, 12)}` : idempotencyKeyOf(claim.id),
    email: {
      to: String(m.email).trim(),
      subject: rendered.subject,
      text: rendered.body,
      html: emailHtml(rendered.body, settings.name),
      fromName: settings.name,
      replyTo: settings.reply_to_email,
      // A reach-out's stop link also as the one-click unsubscribe mail programs offer (RFC 8058): they POST to it.
      ...(issued.stop_link
        ? { headers: { 'List-Unsubscribe': `<${issued.stop_link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }
        : {}),
    },
  }
  await tx.query('update scheduled_messages set outgoing = $3 where id = $1 and lease_token = $2', [
    claim.id,
    claim.lease_token,
    JSON.stringify(outgoing),
  ])
  return { email: { ...(outgoing.email as EmailMessage), idempotencyKey: outgoing.key, tenantId: claim.tenant_id } }
}

/** The words of a message on another channel (a text): its kind's text words, to the customer's address there. */
async function composeOther(
  tx: Queryable,
  services: Services,
  claim: ClaimedMessage,
  m: Loaded,
  links: Record<string, unknown>,
  settings: Awaited<ReturnType<typeof loadTenantSettings>>,
): Promise<Ready | Stop> {
  const channel = channelNamed(services, String(m.row.channel)) as MessageChannel
  const message = m.row as ChannelMessage
  const rendered = await renderTextMessage(tx, m.row, settings, links as Parameters<typeof renderTextMessage>[3])
  const to = await channel.addressOf(tx, services, message)
  const fail = !rendered
    ? `a ${m.row.kind} message has no words as a ${channel.name}`
    : !rendered.body.trim()
      ? 'the message renders empty'
      : !to
        ? `the contact has no number to ${channel.name}`
        : null
  if (fail || !rendered || !to) {
    await finish(tx, claim, m.row, 'fail', `status = 'failed', last_error = $3`, [`Not sent: ${fail}`])
    return { stop: 'failed' }
  }
  const outgoing: Outgoing = { fingerprint: fingerprintOf(m), key: idempotencyKeyOf(claim.id), other: { to, body: rendered.body } }
  await tx.query('update scheduled_messages set outgoing = $3 where id = $1 and lease_token = $2', [
    claim.id,
    claim.lease_token,
    JSON.stringify(outgoing),
  ])
  return { channel, message, outgoing: outgoing.other as ChannelOutgoing }
}

/** The email an earlier attempt handed to the provider, to send again unchanged; null when there is none or the message changed since. */
function resend(claim: ClaimedMessage, m: Loaded): Ready | null {
  if (!m.outgoing?.email || m.outgoing.fingerprint !== fingerprintOf(m)) return null
  return { email: { ...m.outgoing.email, idempotencyKey: m.outgoing.key, tenantId: claim.tenant_id } }
}

/** What a message's email is made from, as the message itself says it: its words, template, subjects of it, and address. */
function fingerprintOf(m: Loaded): string {
  const { kind, template_id, subject, body, ticket_id, invoice_id, quote_id } = m.row
  // A message without a quote keeps its earlier fingerprint, so one in flight across an upgrade is not sent twice.
  const parts = [kind, template_id, subject, body, ticket_id, invoice_id, m.email, ...(quote_id ? [quote_id] : [])]
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex')
}

/** Marks the message sent with the provider's id, if our lease still holds it. */
async function markSent(
  services: Services,
  claim: ClaimedMessage,
  scope: Parameters<typeof withTenant>[1],
  providerId: string,
): Promise<DeliveryOutcome> {
  return withTenant(services.db, scope, async (tx) => {
    const before = await tx.query(`select ${SNAPSHOT} from scheduled_messages where id = $1 and lease_token = $2 for update`, [
      claim.id,
      claim.lease_token,
    ])
    if (!before.rows[0]) {
      log('warn', 'message sent, but another worker took it over meanwhile; it marks it (the provider sends it once)', {
        message_id: claim.id,
      })
      return 'lost'
    }
    // Marked sent even if it was cancelled while in flight: it did go out, and the record says so.
    await finish(tx, claim, before.rows[0], 'send', `status = 'sent', sent_at = $3, provider_message_id = $4, last_error = null`, [
      services.now().toISOString(),
      providerId,
    ])
    return 'sent'
  })
}

/**
 * Counts a failed attempt: tried again after a wait, or failed for good after the last attempt or a permanent refusal.
 * A database outage or a provider asking us to slow down is not the message's failure: it waits without using an attempt.
 */
async function recordFailure(
  services: Services,
  claim: ClaimedMessage,
  scope: Parameters<typeof withTenant>[1],
  err: unknown,
  retry: RetryPolicy,
): Promise<DeliveryOutcome> {
  if (err instanceof SendError && err.throttled) return waitTurn(services, claim, scope, err)
  // Only the database's own failures: a provider's (email, Stripe) is an AppError of its own and uses an attempt.
  if (err instanceof DatabaseUnavailableError || (!(err instanceof AppError) && isDatabaseOutage(err))) {
    return shortenLease(services, claim, scope, DATABASE_PAUSE_SECONDS)
  }
  const reason = messageOf(err)
  const permanent = err instanceof SendError && !err.retryable
  return withTenant(services.db, scope, async (tx) => {
    const r = await tx.query<{ attempts: number }>(
      `select ${SNAPSHOT} from scheduled_messages where id = $1 and lease_token = $2 for update`,
      [claim.id, claim.lease_token],
    )
    const before = r.rows[0]
    if (!before) return 'lost'
    const attempts = before.attempts + 1
    if (permanent || attempts >= retry.maxAttempts) {
      const why = permanent ? reason : `gave up after ${attempts} attempts; last error: ${reason}`
      log('warn', 'message failed', { tenant_id: claim.tenant_id, message_id: claim.id, reason: why })
      await finish(tx, claim, before, 'fail', `status = 'failed', attempts = $3, last_error = $4`, [attempts, why])
      return 'failed'
    }
    const wait = Math.max(
      retry.backoffSeconds[Math.min(attempts - 1, retry.backoffSeconds.length - 1)],
      err instanceof SendError ? (err.retryAfterSeconds ?? 0) : 0,
    )
    const next = new Date(services.now().getTime() + wait * 1000)
    log('warn', 'message not sent; trying again later', {
      tenant_id: claim.tenant_id,
      message_id: claim.id,
      attempts,
      next_attempt_at: next.toISOString(),
      reason,
    })
    await finish(tx, claim, before, 'retry', 'attempts = $3, last_error = $4, send_at = $5', [attempts, reason, next.toISOString()])
    return 'retrying'
  })
}

/** Applies one change to the leased message, releases the lease and audits it as the system. */
async function finish(
  tx: Queryable,
  claim: ClaimedMessage,
  before: Record<string, unknown>,
  action: string,
  set: string,
  args: unknown[],
): Promise<void> {
  const r = await tx.query(
    `update scheduled_messages set ${set}, lease_until = null, lease_token = null
    where id = $1 and lease_token = $2 returning ${SNAPSHOT}`,
    [claim.id, claim.lease_token, ...args],
  )
  await writeAudit(tx, systemAuditor(claim.tenant_id, `delivery-${claim.lease_token}`), {
    entityType: 'scheduled_message',
    entityId: claim.id,
    action,
    before,
    after: r.rows[0],
  })
}

/** Seconds a message waits after the database failed under it: the lease then lets any pass take it again. */
const DATABASE_PAUSE_SECONDS = 5

/** Lets the message go to the next pass (of any worker) after `seconds`, leaving everything else as it was. */
async function shortenLease(
  services: Services,
  claim: ClaimedMessage,
  scope: Parameters<typeof withTenant>[1],
  seconds: number,
): Promise<DeliveryOutcome> {
  const until = new Date(services.now().getTime() + seconds * 1000)
  log('warn', 'message not sent: the database failed; trying again shortly', { tenant_id: claim.tenant_id, message_id: claim.id })
  const r = await withTenant(services.db, scope, (tx) =>
    tx.query('update scheduled_messages set lease_until = $3 where id = $1 and lease_token = $2 and status = $4', [
      claim.id,
      claim.lease_token,
      until.toISOString(),
      'pending',
    ]),
  )
  return r.rowCount ? 'retrying' : 'lost'
}

/** A throttled send waits the provider's Retry-After (or its pacer's wait, or a second) and goes again, without using one of its attempts. */
async function waitTurn(
  services: Services,
  claim: ClaimedMessage,
  scope: Parameters<typeof withTenant>[1],
  err: SendError,
): Promise<DeliveryOutcome> {
  const next = new Date(services.now().getTime() + Math.max(err.retryAfterSeconds ?? 1, 1) * 1000)
  return withTenant(services.db, scope, async (tx) => {
    const r = await tx.query(`select ${SNAPSHOT} from scheduled_messages where id = $1 and lease_token = $2 for update`, [
      claim.id,
      claim.lease_token,
    ])
    if (!r.rows[0]) return 'lost'
    log(
      'warn',
      err.providerStatus === 429
        ? 'message held back: the provider asked us to slow down'
        : 'message held back: no send turn free soon enough',
      { tenant_id: claim.tenant_id, message_id: claim.id, next_attempt_at: next.toISOString(), reason: messageOf(err) },
    )
    await finish(tx, claim, r.rows[0], 'retry', 'last_error = $3, send_at = $4', [messageOf(err), next.toISOString()])
    return 'retrying'
  })
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
