import { withTenant } from '../../../db/tenant.js'
import type { Queryable } from '../../../db/types.js'
import { contextOf } from '../../../kernel/operations-context.js'
import { decideEmail, type EmailDecision, type EmailOutcome, makeEmailRecord } from '../../interactions/email/intake.js'
import { ownDomainOf } from '../../interactions/email/rules.js'
import { addressesOf } from '../../interactions/email/words.js'
import { loadTenantSettings } from '../../settings/model.js'
import { bodyText, type GmailMessageResource, headerOf, plainSnippet, receivedAt } from '../gmail-message.js'
import { bulkTabReason } from '../gmail-rules.js'
import type { GoogleRun } from './steps.js'

/** What a message became: an interaction, a lead, or nothing (and why). */
export type GmailOutcome = EmailOutcome

/**
 * Makes one message into what it is for the business, once (by its Gmail id, and by its Message-ID across mailboxes and
 * the inbound address), by the rule every email to the business follows (decideEmail, makeEmailRecord): an email
 * interaction on a customer's or a lead's timeline, a lead, or nothing. Here the business is the owner's Gmail address,
 * the reply-to address and its people's addresses; its own domain is the Gmail account's (unless a public mail
 * service's); a message in the SENT label or from the account is outbound; Gmail's bulk tabs are bulk mail; and a
 * conversation is Gmail's thread, so the answers to an email that made a lead go on that lead.
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
    const from = addressesOf(headerOf(message, 'From'))[0]?.address ?? ''
    const made = await makeEmailRecord(ctx, decision, {
      subject: headerOf(message, 'Subject'),
      words: bodyText(message) || plainSnippet(message.snippet),
      at: receivedAt(message) ?? run.services.now(),
      fromLine: headerOf(message, 'From') ?? from,
      toLine: headerOf(message, 'To') ?? '',
    })
    const direction = decision.make === 'interaction' ? decision.direction : 'inbound'
    await remember(tx, run, head.id, message.threadId ?? head.threadId, headerOf(message, 'Message-ID'), direction, made)
    return made.interaction ? 'interaction' : 'lead'
  })
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

/** Where the message goes (see recordGmailMessage). */
async function decide(tx: Queryable, run: GoogleRun, message: GmailMessageResource): Promise<EmailDecision> {
  const account = run.connection.google_email.toLowerCase()
  const from = addressesOf(headerOf(message, 'From'))[0] ?? null
  const settings = await loadTenantSettings(tx)
  const users = await tx.query<{ email: string }>('select lower(email) as email from users')
  const ours = new Set([account, ...users.rows.map((u) => u.email)])
  if (settings.reply_to_email) ours.add(settings.reply_to_email.toLowerCase())
  const ownDomain = ownDomainOf(account)
  const outbound = (message.labelIds ?? []).includes('SENT') || from?.address === account
  return decideEmail(
    tx,
    {
      from,
      recipients: [...addressesOf(headerOf(message, 'To')), ...addressesOf(headerOf(message, 'Cc'))],
      header: (name) => headerOf(message, name),
      subject: headerOf(message, 'Subject'),
      messageId: headerOf(message, 'Message-ID'),
      outbound,
    },
    {
      ours,
      ownDomains: ownDomain ? [ownDomain] : [],
      automated: bulkTabReason(message),
      leadOfConversation: () => leadOfThread(tx, run, message.threadId),
    },
  )
}

/** The lead whose email began this Gmail thread. */
async function leadOfThread(tx: Queryable, run: GoogleRun, threadId: string): Promise<string | null> {
  const byThread = await tx.query<{ lead_id: string }>(
    `select coalesce(g.lead_id, i.lead_id) as lead_id from gmail_messages g
       left join interactions i on i.tenant_id = g.tenant_id and i.id = g.interaction_id
     where g.user_id = $1 and g.thread_id = $2 and coalesce(g.lead_id, i.lead_id) is not null
     order by g.created_at limit 1`,
    [run.userId, threadId],
  )
  return byThread.rows[0]?.lead_id ?? null
}
