import { formatInstant, type CallPreview } from '../../kernel/call-preview.js'
import { emailHtml } from '../../clients/email-html.js'
import type { EmailMessage } from '../../clients/email.js'
import type { Queryable } from '../../db/types.js'
import { formatMoney } from '../../vocabulary/money.js'

/** The addresses one owner's card carries: Allow Once, Deny, and the whole queue. */
export interface CardLinks {
  allow: string
  deny: string
  queue: string
}

/**
 * The review card of a pending request as an email, in the owner's words: what will run, for which customer, the money,
 * when, the agent's reasoning, and the two buttons, each opening a page where one more press decides.
 */
export async function approvalEmail(
  tx: Queryable,
  requestId: string,
  changed: boolean,
): Promise<(links: CardLinks) => Pick<EmailMessage, 'subject' | 'text' | 'html'>> {
  const r = await tx.query<{
    summary: string
    preview: CallPreview | null
    reasoning: string | null
    agent_name: string | null
    expires_at: Date
    business: string
    timezone: string
  }>(
    `select r.summary, r.preview, r.reasoning, r.expires_at, (select t.name from agent_tokens t where t.id = r.agent_token_id) as agent_name,
       b.name as business, b.timezone
     from authorization_requests r join tenants b on b.id = r.tenant_id where r.id = $1`,
    [requestId],
  )
  const q = r.rows[0]
  const p = q.preview
  const tz = p?.timezone ?? q.timezone
  const money = (cents: number) => formatMoney(cents, p?.currency ?? 'USD')
  const details = [
    p?.customer ? `Customer: ${p.customer.name}` : '',
    ...(p?.lines ?? []).map((l) => `- ${l.description}${l.quantity !== 1 ? ` x ${l.quantity}` : ''}: ${money(l.amount_cents)}`),
    p?.total ? `${p.total.label}: ${money(p.total.amount_cents)}` : '',
    ...(p?.when ?? []).map((w) => `${w.label}: ${formatInstant(w.at, tz)}`),
    ...(p?.warnings ?? []).map((w) => `Note: ${w}`),
    ...(p?.texts ?? []).flatMap((t) => [`${t.label}:`, ...(t.before != null ? ['Now:', indent(t.before), 'After:'] : []), indent(t.after)]),
    ...(p?.effect?.length ? ['What it does, tried just now:', ...p.effect.map((line) => `- ${line}`)] : []),
    ...(p?.bound ?? []).map((b) => `Read when asked: ${b.field.replace(/^data\./, '')} "${String(b.from)}" is ${String(b.to)}`),
    ...(p?.asks_every_time ?? []).map((why) => `Asked every time, because it ${why}`),
  ].filter(Boolean)
  const intro = changed ? 'You changed this request; it still waits for your answer' : `${q.agent_name ?? 'Your office manager'} asks to`
  return (links) => {
    const text =
      `${intro}: ${q.summary}\n\n` +
      (details.length ? `${details.join('\n')}\n\n` : '') +
      `Why: ${q.reasoning ?? '(no reason given)'}\n\n` +
      'If what it does has changed when you allow it, nothing runs and you are told what changed.\n\n' +
      `Allow once: ${links.allow}\n\n` +
      `Deny: ${links.deny}\n\n` +
      `Each opens a page where you confirm with one more press; nothing happens until you do. These links are yours ` +
      `alone, work once, and stop working when the request expires (${formatInstant(q.expires_at, tz)}) or is changed.\n\n` +
      `Everything waiting for you, with Allow Always and Edit: ${links.queue}`
    return {
      subject: `${changed ? 'Changed, your' : 'Your'} approval is needed: ${q.summary}`,
      text,
      html: emailHtml(text, q.business),
    }
  }
}

/** Text set off by a bar, so the customer's words read apart from the card's own. */
function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `| ${line}`)
    .join('\n')
}
