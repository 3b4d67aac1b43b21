import { systemAuditor, writeAudit } from '../kernel/audit.js'
import type { Services } from '../kernel/context.js'
import { withTenant, withWorkerRole } from '../db/tenant.js'
import type { Queryable } from '../db/types.js'
import { log } from '../kernel/log.js'
import { MESSAGE_COLUMNS } from '../domains/messages/model.js'

/** What the provider reports about one email it sent (from a verified webhook). */
export interface EmailEvent {
  /** The provider's id of this event; the same event delivered twice carries the same id. */
  eventId: string
  /** email.bounced, email.complained, email.failed (others are acknowledged and ignored). */
  type: string
  /** The provider's id of the email. */
  emailId: string
  /** The addresses it went to. */
  to: string[]
  /** Why, in the provider's words. */
  reason: string | null
  /** A bounce the provider calls temporary (a full mailbox) says nothing lasting about the address. */
  transient: boolean
  detail: Record<string, unknown>
}

/** What an event changed: nothing for an event type we do not act on, an email we did not send as a message, or a replay. */
export type EmailEventOutcome = 'applied' | 'ignored' | 'unknown_message' | 'replayed'

const ACTED_ON = ['email.bounced', 'email.complained', 'email.failed']

/**
 * Applies a bounce, complaint or send failure: the message it was about becomes failed with the reason, and the
 * contact's address is marked bounced or complained (when it is still the address the email went to). Recorded once
 * per event id, so a replayed event changes nothing; audited as the system.
 */
export async function applyEmailEvent(services: Services, event: EmailEvent): Promise<EmailEventOutcome> {
  if (!ACTED_ON.includes(event.type)) return 'ignored'
  const found = await withWorkerRole(
    services.db,
    async (tx) =>
      (await tx.query<{ tenant_id: string; id: string }>('select tenant_id, id from message_by_provider_id($1)', [event.emailId])).rows[0],
  )
  if (!found) {
    log('info', 'email event for an email that is not a scheduled message; acknowledged', {
      event_id: event.eventId,
      type: event.type,
      email_id: event.emailId,
    })
    return 'unknown_message'
  }
  const requestId = `resend-${event.eventId}`
  return withTenant(services.db, { tenantId: found.tenant_id, actorType: 'system', requestId }, async (tx) => {
    const who = systemAuditor(found.tenant_id, requestId)
    const message = (
      await tx.query(`select ${MESSAGE_COLUMNS}, provider_message_id from scheduled_messages where id = $1 for update`, [found.id])
    ).rows[0]
    const recorded = await tx.query(
      `insert into email_events (tenant_id, provider_event_id, type, scheduled_message_id, contact_id, detail)
      values ($1, $2, $3, $4, $5, $6) on conflict (tenant_id, provider_event_id) do nothing returning id`,
      [found.tenant_id, event.eventId, event.type, found.id, message.contact_id, JSON.stringify(event.detail)],
    )
    if (!recorded.rows[0]) return 'replayed'
    const reason = reasonOf(event)
    if (message.status !== 'failed') {
      const after = await tx.query(
        `update scheduled_messages set status = 'failed', last_error = $2, lease_until = null, lease_token = null
        where id = $1 returning ${MESSAGE_COLUMNS}, provider_message_id`,
        [found.id, reason],
      )
      await writeAudit(tx, who, {
        entityType: 'scheduled_message',
        entityId: found.id,
        action: event.type.replace('email.', ''),
        before: message,
        after: after.rows[0],
      })
    }
    const status = event.type === 'email.complained' ? 'complained' : event.type === 'email.bounced' && !event.transient ? 'bounced' : null
    if (status) await markAddress(tx, who, String(message.contact_id), status, event.to)
    log('info', 'email event applied', { tenant_id: found.tenant_id, message_id: found.id, type: event.type })
    return 'applied'
  })
}

/** Marks the contact's address, if it is still the one the email went to (a changed address starts afresh). */
async function markAddress(
  tx: Queryable,
  who: Parameters<typeof writeAudit>[1],
  contactId: string,
  status: 'bounced' | 'complained',
  to: string[],
): Promise<void> {
  const c = await tx.query<{ email: string | null; email_status: string }>(
    'select email, email_status from contacts where id = $1 for update',
    [contactId],
  )
  const contact = c.rows[0]
  if (!contact?.email || contact.email_status === status) return
  if (to.length && !to.some((address) => address.trim().toLowerCase() === contact.email)) return
  // A complaint is the stronger signal: a later bounce does not replace it.
  if (contact.email_status === 'complained') return
  await tx.query('update contacts set email_status = $2 where id = $1', [contactId, status])
  await writeAudit(tx, who, {
    entityType: 'contact',
    entityId: contactId,
    action: `email_${status}`,
    before: { email_status: contact.email_status },
    after: { email_status: status },
  })
}

function reasonOf(event: EmailEvent): string {
  if (event.type === 'email.complained') return 'The recipient marked this email as spam (complaint)'
  if (event.type === 'email.bounced')
    return `Bounced${event.transient ? ' (temporary)' : ''}: ${event.reason ?? 'the receiving server refused it'}`
  return `The provider could not send it: ${event.reason ?? 'no reason given'}`
}
