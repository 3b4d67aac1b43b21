import { z } from 'zod'
import { callWithin } from '../../../kernel/call-within.js'
import type { OperationContext } from '../../../kernel/context.js'
import type { Queryable } from '../../../db/types.js'
import { redactSensitive } from '../../../kernel/redact.js'
import { createLead } from '../../leads/actions.js'
import { logInteraction } from '../actions.js'
import { addressedTo, automatedReason, type HeaderReader, isReply, subjectCore } from './rules.js'
import type { MailAddress } from './words.js'

/** One email as the rule reads it, whatever brought it in (the owner's Gmail, the business's inbound address). */
export interface EmailFacts {
  from: MailAddress | null
  /** Its To and Cc addresses. */
  recipients: MailAddress[]
  header: HeaderReader
  subject: string | null
  /** Its Message-ID header. */
  messageId: string | null
  /** Sent by the business (from its own mailbox), not to it. */
  outbound: boolean
}

/** Who the business is where the email arrived, and what that place knows of conversations. */
export interface EmailPlace {
  /** The business's own addresses there: the mailbox, the reply-to address, its people's addresses. */
  ours: ReadonlySet<string>
  /** Mail domains of the business's own (never a public mail service's): a sender there is the business. */
  ownDomains: string[]
  /** Why the email is bulk or automated beyond its headers (Gmail's tabs), or null. */
  automated?: string | null
  /** The lead the email's conversation began, as the place keeps conversations; null when it keeps none. */
  leadOfConversation?: () => Promise<string | null>
}

/** Where an email goes: on a customer's or a lead's timeline, a new lead, or nowhere (and why). */
export type EmailDecision =
  | { make: 'interaction'; contactId?: string; leadId?: string; direction: 'inbound' | 'outbound' }
  | { make: 'lead'; from: MailAddress }
  | { make: null; reason: string }

/** What an email became: an interaction, a lead, or nothing (and why). */
export type EmailOutcome = 'interaction' | 'lead' | `skipped:${string}`

/**
 * Where an email to or from the business goes, read from the business's records:
 *
 * - From or to a customer (any of a contact's email addresses): an email interaction on their timeline, inbound or
 *   outbound. Mail from or to the address of an open lead, or later in a conversation an email lead began, goes on that
 *   lead's timeline the same way.
 * - From anyone else, a lead, when the email asks for work by this rule: a person wrote it (not a newsletter, list or
 *   automatic answer, see automatedReason), it is addressed to the business (one of its addresses is in To or Cc), it is
 *   not from the business itself (one of its addresses or a sender at its own non-public mail domain), and it is not a
 *   reply to an email the business sent: the product keeps no Message-ID of what it sends, so a reply (In-Reply-To,
 *   References or "Re:") whose subject without Re:/Fwd: is the subject of an email the business sent counts as one.
 * - Anything else is left alone: bulk and automatic mail whoever sent it, our email to someone who is neither a customer
 *   nor a lead, and an email already made from another mailbox or address of the business (by its Message-ID).
 */
export async function decideEmail(tx: Queryable, email: EmailFacts, place: EmailPlace): Promise<EmailDecision> {
  const from = email.from
  if (!email.outbound) {
    const automated = automatedReason(email.header, from?.address ?? null) ?? place.automated ?? null
    if (automated) return { make: null, reason: automated }
  }
  if (email.messageId && (await madeBefore(tx, email.messageId))) return { make: null, reason: 'duplicate' }
  const direction = email.outbound ? 'outbound' : 'inbound'
  const others = email.outbound ? email.recipients.map((a) => a.address).filter((a) => !place.ours.has(a)) : from ? [from.address] : []
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
  const lead = (await place.leadOfConversation?.()) ?? (await openLeadOf(tx, others))
  if (lead) return { make: 'interaction', leadId: lead, direction }
  if (email.outbound) return { make: null, reason: 'not_a_customer' }
  if (!from) return { make: null, reason: 'no_sender' }
  if (!addressedTo(email.recipients, place.ours)) return { make: null, reason: 'not_addressed_to_business' }
  if (place.ours.has(from.address) || place.ownDomains.some((d) => from.address.endsWith(`@${d}`))) {
    return { make: null, reason: 'from_business' }
  }
  if (isReply(email.header, email.subject)) {
    const sent = await tx.query(
      `select 1 from scheduled_messages where status = 'sent'
         and lower(regexp_replace(trim(coalesce(outgoing -> 'email' ->> 'subject', subject, '')), '\\s+', ' ', 'g')) = $1 limit 1`,
      [subjectCore(email.subject)],
    )
    if (sent.rows.length) return { make: null, reason: 'reply_to_notification' }
  }
  return { make: 'lead', from }
}

/** What an email says, for the record it becomes. */
export interface EmailContent {
  subject: string | null
  /** Its own words (without what it quotes). */
  words: string
  /** When it was received. */
  at: Date
  /** Its From and To headers as written, for a lead's notes. */
  fromLine: string
  toLine: string
}

/**
 * Makes the interaction or the lead an email was decided to be, in the caller's transaction, through the registered
 * actions (audited as the caller): the subject, the words (the lead's raw notes for process_lead to read, headed by who
 * wrote it, to whom, when and about what) and the date, card numbers and SSNs redacted. Attachments are never read.
 */
export async function makeEmailRecord(
  ctx: OperationContext,
  decision: Exclude<EmailDecision, { make: null }>,
  content: EmailContent,
): Promise<{ interaction?: string; lead?: string }> {
  const subject = content.subject?.trim() || null
  const words = content.words.trim() || '(no text)'
  if (decision.make === 'interaction') {
    const made = await callWithin(ctx, logInteraction, {
      ...(decision.contactId ? { contact_id: decision.contactId } : { lead_id: decision.leadId as string }),
      kind: 'email',
      direction: decision.direction,
      // The mail server's clock may be a little ahead of ours; an email is never "in the future".
      occurred_at: new Date(Math.min(content.at.getTime(), ctx.services.now().getTime())).toISOString(),
      summary: clipped(words, 10_000),
      ...(subject ? { subject: clipped(subject, 300) } : {}),
    })
    return { interaction: (made as { id: string }).id }
  }
  const from = decision.from
  const notes = [
    `Email from ${content.fromLine || from.address}`,
    `To: ${content.toLine}`,
    `Date: ${content.at.toISOString()}`,
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
  return { lead: (lead as { id: string }).id }
}

/** Whether an email with this Message-ID was made into something already, from any mailbox or address of the business. */
async function madeBefore(tx: Queryable, messageId: string): Promise<boolean> {
  const twin = await tx.query(
    `select 1 from gmail_messages where rfc_message_id = $1
     union all select 1 from inbound_emails where rfc_message_id = $1 and outcome not like 'skipped:%' limit 1`,
    [messageId],
  )
  return twin.rows.length > 0
}

/** The newest open lead with one of these addresses. */
async function openLeadOf(tx: Queryable, addresses: string[]): Promise<string | null> {
  if (!addresses.length) return null
  const byEmail = await tx.query<{ id: string }>(
    `select id from leads where lower(email) = any($1::text[]) and status in ('new', 'contacted', 'qualified')
     order by created_at desc limit 1`,
    [addresses],
  )
  return byEmail.rows[0]?.id ?? null
}

/** Text with card numbers and SSNs replaced first (a cut never leaves part of one), then cut to size. */
function clipped(text: string, max: number): string {
  const safe = redactSensitive(text).text.trim()
  return safe.length <= max ? safe : `${safe.slice(0, max - 1).trimEnd()}…`
}
