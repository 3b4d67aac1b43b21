import type { Services } from '../../kernel/context.js'
import { readReceivedEmail } from './resend-receiving.js'
import { withTenant } from '../../db/tenant.js'
import { translateDatabaseError } from '../../db/translate-error.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { log } from '../../kernel/log.js'
import { contextOf } from '../../kernel/operations-context.js'
import { decideEmail, type EmailOutcome, makeEmailRecord } from '../interactions/email/intake.js'
import { ownDomainOf } from '../interactions/email/rules.js'
import { addressesOf, emailWords } from '../interactions/email/words.js'
import { loadTenantSettings } from '../settings/model.js'
import { businessesAddressed, type Recipients, withoutTag } from './addressed-to.js'
import { inboundAddressOf } from './availability.js'
import { inboundEmailSettingsOf } from './settings.js'

/** One email the provider says arrived (from a verified webhook): its metadata, and its body when the provider sent it. */
export interface InboundDelivery extends Recipients {
  /** The delivery's id (svix-id): the same delivery posted twice carries the same id. */
  eventId: string
  /** The provider's id of the email. */
  emailId: string
  from: string
  subject: string | null
  messageId: string | null
  /** When the provider received it. */
  createdAt: string | null
  /** The body and headers, when the provider posts them with the metadata (Resend does not: they are read from its API). */
  content?: { text: string | null; html: string | null; headers: Record<string, string> | null }
}

/** What a delivery did: an interaction, a lead, a skip (and why), nothing for a replay or an address of no business here. */
export type InboundOutcome = EmailOutcome | 'replayed' | 'unknown_address'

/** The body and headers of an email. */
type Content = NonNullable<InboundDelivery['content']>

/**
 * Takes one email sent to a business's inbound address (<business id>@INBOUND_EMAIL_DOMAIN, a +tag ignored), found by
 * its To, Cc, Bcc or received-for addresses, for each business it is addressed to, and makes it what it is by the rule
 * of every email to the business (decideEmail): an email interaction on a customer's or a lead's timeline, a lead, or
 * nothing, card numbers redacted. Here the business is its inbound address, its reply-to address and its people's
 * addresses, and its own mail domains are theirs (unless a public mail service's). Each delivery and each email is taken
 * once: a replayed delivery, or the same email delivered again, changes nothing. The body is read from Resend when the
 * delivery does not carry it. An email addressed to a business here is never acknowledged without being kept: any
 * failure changes nothing and fails the delivery with a 5xx, so the provider delivers it again. Only an email addressed
 * to no business here is acknowledged as unknown_address, and the log says why. Answers the first business's outcome.
 */
export async function receiveInboundEmail(services: Services, delivery: InboundDelivery): Promise<InboundOutcome> {
  const { businesses, atDomain } = await businessesAddressed(services, delivery)
  if (!businesses.length) {
    const why = atDomain.length
      ? `no business here has the address ${atDomain.join(', ')}`
      : `no recipient at ${inboundEmailSettingsOf(services).domain}`
    log('info', 'inbound email addressed to no business here; acknowledged without keeping it', {
      event_id: delivery.eventId,
      email_id: delivery.emailId,
      why,
    })
    return 'unknown_address'
  }
  let content = delivery.content ?? null
  const body = async () => {
    content ??= await readReceivedEmail(services.config, delivery.emailId)
    return content
  }
  const outcomes: InboundOutcome[] = []
  for (const tenantId of businesses) {
    try {
      outcomes.push(await takeFor(services, delivery, tenantId, body))
    } catch (err) {
      throw notKept(err, tenantId, delivery)
    }
  }
  return outcomes[0]
}

/** Takes the email for one business it is addressed to: once, in one transaction. */
async function takeFor(services: Services, delivery: InboundDelivery, tenantId: string, body: () => Promise<Content>) {
  const scope = { tenantId, actorType: 'system' as const, requestId: `inbound-${delivery.eventId}` }
  if (await withTenant(services.db, scope, (tx) => takenBefore(tx, delivery))) return 'replayed'
  const content = await body()
  return withTenant(services.db, scope, async (tx): Promise<InboundOutcome> => {
    // One delivery of an email at a time: a second one waits here, then finds the first's row.
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`inbound-email:${tenantId}:${delivery.emailId}`])
    if (await takenBefore(tx, delivery)) return 'replayed'
    const header = headerReader(content.headers)
    const from = addressesOf(delivery.from)[0] ?? null
    const subject = delivery.subject ?? header('Subject')
    const messageId = delivery.messageId ?? header('Message-ID')
    const settings = await loadTenantSettings(tx)
    const users = await tx.query<{ email: string }>('select lower(email) as email from users')
    const own = [...users.rows.map((u) => u.email), ...(settings.reply_to_email ? [settings.reply_to_email.toLowerCase()] : [])]
    const address = inboundAddressOf(inboundEmailSettingsOf(services), tenantId) as string
    const decision = await decideEmail(
      tx,
      {
        from,
        recipients: [...delivery.to, ...delivery.cc].flatMap((a) => addressesOf(a)).map(withoutTag),
        header,
        subject,
        messageId,
        outbound: false,
      },
      { ours: new Set([address, ...own]), ownDomains: [...new Set(own.map(ownDomainOf).filter((d): d is string => Boolean(d)))] },
    )
    const at = receivedAt(delivery.createdAt, services.now())
    let made: { interaction?: string; lead?: string } = {}
    if (decision.make) {
      const ctx = contextOf(services, { tenantId, actor: { type: 'system', id: null } }, tx, scope.requestId, null, () => {})
      made = await makeEmailRecord(ctx, decision, {
        subject,
        words: emailWords(content.text, content.html),
        at,
        fromLine: delivery.from,
        toLine: delivery.to.join(', '),
      })
    }
    const outcome: EmailOutcome = decision.make ? (made.interaction ? 'interaction' : 'lead') : `skipped:${decision.reason}`
    await tx.query(
      `insert into inbound_emails (tenant_id, provider_event_id, provider_email_id, rfc_message_id, outcome, interaction_id, lead_id, received_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenantId, delivery.eventId, delivery.emailId, messageId, outcome, made.interaction ?? null, made.lead ?? null, at],
    )
    log('info', 'inbound email taken', { tenant_id: tenantId, event_id: delivery.eventId, outcome })
    return outcome
  })
}

/**
 * Why an email addressed to a business was not kept, as an error whose status makes the provider deliver it again
 * (Resend retries any answer but a 2xx, for about a day): an outage stays UNAVAILABLE and an error of ours INTERNAL,
 * and a refusal that would answer 4xx (a record the rule could not write) becomes INTERNAL too, since the email is
 * not at fault. Logged with the business.
 */
function notKept(err: unknown, tenantId: string, delivery: InboundDelivery): unknown {
  const typed = translateDatabaseError(err)
  const words = typed instanceof Error ? typed.message : String(typed)
  log('error', 'inbound email addressed to a business not kept; refused so the provider delivers it again', {
    tenant_id: tenantId,
    event_id: delivery.eventId,
    email_id: delivery.emailId,
    error: words,
  })
  if (!(typed instanceof AppError) || typed.status >= 500) return typed
  return new AppError('INTERNAL', `The email could not be kept (${words}); it was not acknowledged, so it is delivered again`, {
    tenant_id: tenantId,
  })
}

/** Whether this delivery, or another delivery of the same email, was taken already. */
async function takenBefore(tx: Queryable, delivery: InboundDelivery): Promise<boolean> {
  const r = await tx.query('select 1 from inbound_emails where provider_event_id = $1 or provider_email_id = $2 limit 1', [
    delivery.eventId,
    delivery.emailId,
  ])
  return r.rows.length > 0
}

/** Reads headers by name in any case. */
function headerReader(headers: Record<string, string> | null): (name: string) => string | null {
  const lower = new Map(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]))
  return (name) => lower.get(name.toLowerCase()) ?? null
}

/** When the provider received it, else now. */
function receivedAt(createdAt: string | null, now: Date): Date {
  const parsed = createdAt ? Date.parse(createdAt) : Number.NaN
  return Number.isFinite(parsed) ? new Date(parsed) : now
}
