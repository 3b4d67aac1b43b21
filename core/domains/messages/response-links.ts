import type { OperationContext, Services } from '../../kernel/context.js'
import { whenText } from '../../text/date-words.js'
import type { Queryable } from '../../db/types.js'
import { defineSecretLink } from '../../links/secret-link.js'
import { contextOf } from '../../kernel/operations-context.js'
import { redactSensitive } from '../../kernel/sanitize.js'
import type { TemplateValues } from '../../text/templating.js'
import { APPOINTMENT_KINDS, settleAppointmentMessages, type CustomerAnswer } from './appointment-messages.js'

/**
 * A customer answers an appointment or quote email with one click, without signing in. Each link does one thing
 * (confirm, decline or ask for a change; accept or decline a quote), once, until its row's expiry; an appointment's link
 * only while the appointment is still at the time the email named.
 */
export const RESPONSE_LINK = defineSecretLink({
  kind: 'response_link',
  table: 'response_links',
  opens: 'one answer to an appointment or a quote',
  lives: 'until_expires_at',
  use: 'single',
})

/** The message fields response links depend on. */
export interface LinkedMessage {
  id: string
  kind: string
  ticket_id: string | null
}

/** What each link does, in the order the emails offer them. */
export const RESPONSE_PURPOSES = ['confirm', 'decline', 'change'] as const satisfies readonly CustomerAnswer[]

/** The kinds of message that carry response links. */
const LINKED_KINDS: readonly string[] = APPOINTMENT_KINDS

/** The longest note a customer may leave with an answer. */
export const ANSWER_NOTE_MAX = 1000

/** Where the customer's browser is sent for one link. */
export function responseLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/respond/${token}`
}

/**
 * The customer's one-click answers to an appointment message (confirm_link, decline_link, change_link), made at delivery
 * inside the worker's tenant transaction. Messages that are not about an appointment that is still ahead get none.
 */
export async function issueResponseLinks(
  tx: Queryable,
  services: Services,
  tenantId: string,
  message: LinkedMessage,
): Promise<TemplateValues> {
  if (!message.ticket_id || !LINKED_KINDS.includes(message.kind)) return {}
  const t = await tx.query<{ scheduled_start: Date; status: string }>('select scheduled_start, status from tickets where id = $1', [
    message.ticket_id,
  ])
  const ticket = t.rows[0]
  if (!ticket || !['scheduled', 'confirmed'].includes(ticket.status) || new Date(ticket.scheduled_start) <= services.now()) return {}
  const links = RESPONSE_PURPOSES.map(() => RESPONSE_LINK.mint())
  await tx.query(
    `insert into response_links (tenant_id, message_id, ticket_id, purpose, token_hash, appointment_start, expires_at)
     select $1, $2, $3, link.purpose, link.token_hash, $6, $6 from unnest($4::text[], $5::text[]) as link (purpose, token_hash)`,
    [tenantId, message.id, message.ticket_id, RESPONSE_PURPOSES, links.map((l) => l.hash), ticket.scheduled_start],
  )
  const values: TemplateValues = {}
  for (const [i, purpose] of RESPONSE_PURPOSES.entries()) {
    values[`${purpose}_link`] = responseLinkUrl(services.config.publicBaseUrl, links[i].secret)
  }
  return values
}

/** Why a link cannot be used now. */
export type LinkProblem = 'unknown' | 'used' | 'expired' | 'moved' | 'wrong_purpose' | 'cancelled' | 'closed'

/** What the customer's page shows about a link and its appointment. */
export interface ResponseLinkView {
  problem: LinkProblem | null
  purpose?: CustomerAnswer
  businessName?: string
  /** "Tuesday, March 4, 2031 at 9:00 AM" in the business's time zone. */
  when?: string
  /** The appointment's confirmation status now: pending, accepted, declined, change_requested. */
  confirmationStatus?: string
}

interface LinkRow {
  id: string
  tenant_id: string
  message_id: string
  ticket_id: string
  purpose: CustomerAnswer
  appointment_start: Date
  expires_at: Date
  used_at: Date | null
  scheduled_start: Date
  status: string
  confirmation_status: string
  business_name: string
  timezone: string
  message_kind: string
}

/** A link's token as the database knows it (its hash) and the business it belongs to. */
export interface LinkOwner {
  tokenHash: string
  tenantId: string
}

/**
 * Runs `use` in a transaction of the business a customer's link token belongs to, as the system; null, running nothing,
 * for a token of no link's shape or of no business.
 */
export async function inBusinessOfLink<T>(
  services: Services,
  token: string,
  requestId: string | undefined,
  use: (tx: Queryable, owner: LinkOwner) => Promise<T>,
): Promise<T | null> {
  return RESPONSE_LINK.inBusiness(services, token, requestId, use)
}

/** The system's context for recording a customer's answer through a link: the audit names the system and why. */
export function linkAnswerContext(
  services: Services,
  tx: Queryable,
  tenantId: string,
  requestId: string,
  reasoning: string,
): OperationContext {
  return contextOf(services, { tenantId, actor: { type: 'system', id: null } }, tx, requestId, reasoning, () => {
    throw new Error('answering a link has no effects after commit')
  })
}

/** Marks a link used at `now`, audited as its use. */
export async function markLinkUsed(ctx: OperationContext, linkId: string, now: Date): Promise<void> {
  const used = await ctx.db.query<{ used_at: Date }>('update response_links set used_at = $2 where id = $1 returning used_at', [
    linkId,
    now,
  ])
  await ctx.audit({ entityType: 'response_link', entityId: linkId, action: 'use', before: { used_at: null }, after: used.rows[0] })
}

/** What a link is for and whether it can be used, changing nothing (a link scanner's GET must not answer for the customer). */
export async function viewResponseLink(services: Services, token: string): Promise<ResponseLinkView> {
  const view = await inBusinessOfLink(services, token, undefined, async (tx, { tokenHash }) => {
    const link = await loadLink(tx, tokenHash, false)
    return link ? viewOf(link, problemOf(link, services.now())) : null
  })
  return view ?? { problem: 'unknown' }
}

/**
 * Records the customer's answer through a link, once: the ticket's confirmation status (and note), the link used, the
 * appointment emails that no longer apply cancelled, all audited as the system acting on the customer's click. A link
 * that cannot be used changes nothing and says why.
 */
export async function answerResponseLink(
  services: Services,
  token: string,
  answer: string,
  note: string,
  requestId: string,
): Promise<ResponseLinkView> {
  const view = await inBusinessOfLink(services, token, requestId, async (tx, { tokenHash, tenantId }) => {
    const link = await loadLink(tx, tokenHash, true)
    if (!link) return null
    const now = services.now()
    const problem = problemOf(link, now) ?? (answer !== link.purpose ? 'wrong_purpose' : null)
    if (problem) return viewOf(link, problem)
    const reasoning = `The customer answered "${link.purpose}" through the link in the ${link.message_kind.replace('_', '-')} email ${link.message_id}`
    const ctx = linkAnswerContext(services, tx, tenantId, requestId, reasoning)
    const text = link.purpose === 'confirm' ? null : await cleanNote(tx, tenantId, link.ticket_id, requestId, note)
    await recordAppointmentAnswer(ctx, link.ticket_id, link.purpose, text)
    await markLinkUsed(ctx, link.id, now)
    return { ...viewOf(link, null), confirmationStatus: CONFIRMATION_STATUS[link.purpose] }
  })
  return view ?? { problem: 'unknown' }
}

/**
 * Records a customer's answer about a visit, however it came (a link in an email, a reply to a text): the ticket's
 * confirmation status and note, audited as the context's actor, and the appointment messages that no longer apply
 * cancelled. The caller has checked the visit may still be answered.
 */
export async function recordAppointmentAnswer(
  ctx: OperationContext,
  ticketId: string,
  answer: CustomerAnswer,
  note: string | null,
): Promise<void> {
  const before = await ticketState(ctx.db, ticketId)
  await ctx.db.query(
    `update tickets set confirmation_status = $2, confirmation_note = $3,
      status = case when $2 = 'accepted' and status = 'scheduled' then 'confirmed'
                    when $2 <> 'accepted' and status = 'confirmed' then 'scheduled' else status end
    where id = $1`,
    [ticketId, CONFIRMATION_STATUS[answer], note],
  )
  await ctx.audit({
    entityType: 'ticket',
    entityId: ticketId,
    action: AUDIT_ACTION[answer],
    before,
    after: await ticketState(ctx.db, ticketId),
  })
  await settleAppointmentMessages(ctx, ticketId, answer)
}

const CONFIRMATION_STATUS: Record<CustomerAnswer, string> = { confirm: 'accepted', decline: 'declined', change: 'change_requested' }
const AUDIT_ACTION: Record<CustomerAnswer, string> = {
  confirm: 'customer_confirm',
  decline: 'customer_decline',
  change: 'customer_request_change',
}

async function loadLink(tx: Queryable, tokenHash: string, lock: boolean): Promise<LinkRow | null> {
  const r = await tx.query<LinkRow>(
    `select l.id, l.tenant_id, l.message_id, l.ticket_id, l.purpose, l.appointment_start, l.expires_at, l.used_at,
            t.scheduled_start, t.status, t.confirmation_status, b.name as business_name, b.timezone, m.kind as message_kind
     from response_links l
     join tickets t on t.id = l.ticket_id
     join scheduled_messages m on m.id = l.message_id
     join tenants b on b.id = l.tenant_id
     where l.token_hash = $1 ${lock ? 'for update of l, t' : ''}`,
    [tokenHash],
  )
  return r.rows[0] ?? null
}

/** The first reason a link cannot be used now, the appointment's own state first; null when it can. */
function problemOf(link: LinkRow, now: Date): LinkProblem | null {
  if (link.status === 'cancelled') return 'cancelled'
  if (!['scheduled', 'confirmed'].includes(link.status)) return 'closed'
  if (new Date(link.scheduled_start).getTime() !== new Date(link.appointment_start).getTime()) return 'moved'
  if (link.used_at) return 'used'
  if (new Date(link.expires_at) <= now) return 'expired'
  return null
}

function viewOf(link: LinkRow, problem: LinkProblem | null): ResponseLinkView {
  return {
    problem,
    purpose: link.purpose,
    businessName: link.business_name,
    when: whenText(new Date(link.scheduled_start), link.timezone),
    confirmationStatus: link.confirmation_status,
  }
}

/** The ticket fields an answer changes, for the audit. */
async function ticketState(tx: Queryable, ticketId: string): Promise<Record<string, unknown>> {
  return (await tx.query('select status, confirmation_status, confirmation_note from tickets where id = $1', [ticketId])).rows[0]
}

/** The customer's note: trimmed, shortened, with card numbers and SSNs redacted (each redaction recorded); null when empty. */
async function cleanNote(tx: Queryable, tenantId: string, ticketId: string, requestId: string, note: string): Promise<string | null> {
  const trimmed = note.trim().slice(0, ANSWER_NOTE_MAX)
  if (!trimmed) return null
  const { text, findings } = redactSensitive(trimmed)
  for (const f of findings) {
    await tx.query(
      `insert into security_events (tenant_id, kind, layer, entity_type, entity_id, field, detail, actor_type, request_id)
      values ($1, $2, 'page', 'ticket', $3, 'confirmation_note', $4, 'system', $5)`,
      [tenantId, f.kind, ticketId, JSON.stringify({ count: f.count, page: 'respond' }), requestId],
    )
  }
  return text
}
