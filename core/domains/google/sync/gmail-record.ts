import { z } from 'zod'
import { callWithin } from '../../../call-within.js'
import { withTenant } from '../../../db/tenant.js'
import type { Queryable } from '../../../db/types.js'
import { contextOf } from '../../../operations-context.js'
import { redactSensitive } from '../../../redact.js'
import { logInteraction } from '../../interactions/actions.js'
import { createLead } from '../../leads/actions.js'
import { loadTenantSettings } from '../../settings/model.js'
import { addressesOf, bodyText, type GmailMessageResource, headerOf, plainSnippet, receivedAt } from '../gmail-message.js'
import { addressedTo, automatedReason, isReply, ownDomainOf, subjectCore } from '../gmail-rules.js'
import type { GoogleRun } from './steps.js'

/** What a message became: an interaction, a lead, or nothing (and why). */
export type GmailOutcome = 'interaction' | 'lead' | `skipped:${string}`

/** Where a message goes: on a customer's or a lead's timeline, a new lead, or nowhere. */
type Decision =
  | { make: 'interaction'; contactId?: string; leadId?: string; direction: 'inbound' | 'outbound' }
  | { make: 'lead'; from: { address: string; name: string | null } }
  | { make: null; reason: string }

/**
 * Makes one message into what it is for the business, once (by its Gmail id, and by its Message-ID across mailboxes):
 *
 * - From or to a customer (any of a contact's email addresses): an email interaction on their timeline, inbound or
 *   outbound, with its subject, its own words (its text without the quoted earlier messages; the snippet when it has
 *   none) and its date; card numbers and SSNs redacted; attachments never read. Mail from or to the address of an open
 *   lead, or later in the conversation an email lead began, goes on that lead's timeline the same way.
 * - From anyone else, a lead with the email as its raw notes (for process_lead to read), when the email asks for work
 *   by this rule: a person wrote it (not a newsletter, list or automatic answer, see automatedReason), it is addressed
 *   to the business (the owner's Gmail address, the business's reply-to address or a user's address is in To or Cc),
 *   it is not from the business itself (a user, the owner's own address or a sender at the owner's own non-public mail
 *   domain), and it is not a reply to an email the business sent from here: the product keeps no Message-ID of what it
 *   sends, so a reply (In-Reply-To, References or "Re:") whose subject without Re:/Fwd: is the subject of an email the
 *   business sent counts as one.
 * - Anything else is left alone: bulk and automatic mail whoever sent it (see automatedReason), our email to someone who
 *   is neither a customer nor a lead, and the same email already made from another mailbox of the business.
 */
export async function recordGmailMessage(
  run: GoogleRun,
  head: GmailMessageResource,
  full: (id: string) => Promise<GmailMessageResource | null>,
): Promise<GmailOutcome> {
  const scope = { tenantId: run.tenantId, actorType: 'system' as const, requestId: `gmail-${head.id}` }
  const decision = await withTenant(run.services.db, scope, (tx) => decide(tx, run, head))
  if (!decision.make) return `skipped:${decision.reason}`
  // The body is read outside the transaction: the call may need a fresh token, which takes a transaction of its own.
  const message = await full(head.id)
  if (!message) return 'skipped:deleted'
  return withTenant(run.services.db, scope, async (tx) => {
    const again = await tx.query('select 1 from gmail_messages where user_id = $1 and gmail_id = $2', [run.userId, head.id])
    if (again.rows.length) return 'skipped:made'
    const ctx = contextOf(
      run.services,
      { tenantId: run.tenantId, actor: { type: 'system', id: null } },
      tx,
      scope.requestId,
      null,
      () => {},
    )
    const subject = headerOf(message, 'Subject')?.trim() || null
    const words = bodyText(message) || plainSnippet(message.snippet) || '(no text)'
    const at = receivedAt(message) ?? run.services.now()
    const rfcId = headerOf(message, 'Message-ID')
    const thread = message.threadId ?? head.threadId
    if (decision.make === 'interaction') {
      const made = await callWithin(ctx, logInteraction, {
        ...(decision.contactId ? { contact_id: decision.contactId } : { lead_id: decision.leadId as string }),
        kind: 'email',
        direction: decision.direction,
        // Gmail's clock may be a little ahead of ours; an email is never "in the future".
        occurred_at: new Date(Math.min(at.getTime(), run.services.now().getTime())).toISOString(),
        summary: clipped(words, 10_000),
        ...(subject ? { subject: clipped(subject, 300) } : {}),
      })
      await remember(tx, run, head.id, thread, rfcId, decision.direction, { interaction: (made as { id: string }).id })
      return 'interaction'
    }
    const from = decision.from
    const notes = [
      `Email from ${headerOf(message, 'From') ?? from.address}`,
      `To: ${headerOf(message, 'To') ?? ''}`,
      `Date: ${at.toISOString()}`,
      `Subject: ${subject ?? '(none)'}`,
      '',
      words,
    ].join('\n')
    const lead = await callWithin(ctx, createLead, {
      raw_notes: clipped(notes, 20_000),
      source: 'email',
      ...(z.email().max(320).safeParse(from.address).success ? { email: from.address } : {}),
      ...(from.name ? { name: from.name.slice(0, 200) } : {}),
    })
    await remember(tx, run, head.id, thread, rfcId, 'inbound', { lead: (lead as { id: string }).id })
    return 'lead'
  })
}

/** Text with card numbers and SSNs replaced first (a cut never leaves part of one), then cut to size. */
function clipped(text: string, max: number): string {
  const safe = redactSensitive(text).text.trim()
  return safe.length <= max ? safe : `${safe.slice(0, max - 1).trimEnd()}…`
}

async function remember(
  tx: Queryable,
  run: GoogleRun,
  gmailId: string,
  threadId: string,
  rfcId: string | null,
  direction: 'inbound' | 'outbound',
  made: { interaction?: string; lead?: string },
): Promise<void> {
  await tx.query(
    `insert into gmail_messages (tenant_id, user_id, gmail_id, thread_id, rfc_message_id, direction, interaction_id, lead_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [run.tenantId, run.userId, gmailId, threadId, rfcId, direction, made.interaction ?? null, made.lead ?? null],
  )
}

/** Where the message goes, read from the business's records (see recordGmailMessage). */
async function decide(tx: Queryable, run: GoogleRun, message: GmailMessageResource): Promise<Decision> {
  const account = run.connection.google_email.toLowerCase()
  const from = addressesOf(headerOf(message, 'From'))[0] ?? null
  const outbound = (message.labelIds ?? []).includes('SENT') || from?.address === account
  const settings = await loadTenantSettings(tx)
  const users = await tx.query<{ email: string }>('select lower(email) as email from users')
  const ours = new Set([account, ...users.rows.map((u) => u.email)])
  if (settings.reply_to_email) ours.add(settings.reply_to_email.toLowerCase())

  if (!outbound) {
    const automated = automatedReason(message, from?.address ?? null)
    if (automated) return { make: null, reason: automated }
  }
  const rfcId = headerOf(message, 'Message-ID')
  if (rfcId) {
    const twin = await tx.query('select 1 from gmail_messages where rfc_message_id = $1 limit 1', [rfcId])
    if (twin.rows.length) return { make: null, reason: 'duplicate' }
  }
  const direction = outbound ? 'outbound' : 'inbound'
  const others = outbound
    ? [...addressesOf(headerOf(message, 'To')), ...addressesOf(headerOf(message, 'Cc'))].map((a) => a.address).filter((a) => !ours.has(a))
    : from
      ? [from.address]
      : []
  if (others.length) {
    const contacts = await tx.query<{ id: string; address: string }>(
      `select c.id, lower(x->>'value') as address from contacts c cross join lateral jsonb_array_elements(c.emails) x
       where c.merged_into is null and lower(x->>'value') = any($1::text[])
       order by (c.status = 'active') desc, c.created_at, c.id`,
      [others],
    )
    // The first recipient who is a customer: one interaction per email.
    const contact = others.map((a) => contacts.rows.find((c) => c.address === a)).find(Boolean)
    if (contact) return { make: 'interaction', contactId: contact.id, direction }
  }
  const lead = await leadOf(tx, run, message.threadId, others)
  if (lead) return { make: 'interaction', leadId: lead, direction }
  if (outbound) return { make: null, reason: 'not_a_customer' }
  if (!from) return { make: null, reason: 'no_sender' }
  if (!addressedTo(message, ours)) return { make: null, reason: 'not_addressed_to_business' }
  const ownDomain = ownDomainOf(account)
  if (ours.has(from.address) || (ownDomain && from.address.endsWith(`@${ownDomain}`))) return { make: null, reason: 'from_business' }
  if (isReply(message)) {
    const sent = await tx.query(
      `select 1 from scheduled_messages where status = 'sent'
         and lower(regexp_replace(trim(coalesce(outgoing -> 'email' ->> 'subject', subject, '')), '\\s+', ' ', 'g')) = $1 limit 1`,
      [subjectCore(headerOf(message, 'Subject'))],
    )
    if (sent.rows.length) return { make: null, reason: 'reply_to_notification' }
  }
  return { make: 'lead', from }
}

/** The lead whose email began this conversation, else an open lead with one of these addresses. */
async function leadOf(tx: Queryable, run: GoogleRun, threadId: string, addresses: string[]): Promise<string | null> {
  const byThread = await tx.query<{ lead_id: string }>(
    `select coalesce(g.lead_id, i.lead_id) as lead_id from gmail_messages g
       left join interactions i on i.tenant_id = g.tenant_id and i.id = g.interaction_id
     where g.user_id = $1 and g.thread_id = $2 and coalesce(g.lead_id, i.lead_id) is not null
     order by g.created_at limit 1`,
    [run.userId, threadId],
  )
  if (byThread.rows[0]) return byThread.rows[0].lead_id
  if (!addresses.length) return null
  const byEmail = await tx.query<{ id: string }>(
    `select id from leads where lower(email) = any($1::text[]) and status in ('new', 'contacted', 'qualified')
     order by created_at desc limit 1`,
    [addresses],
  )
  return byEmail.rows[0]?.id ?? null
}
