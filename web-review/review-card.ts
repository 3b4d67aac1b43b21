import { formatInstant, formatMoney, type CallPreview } from '../core/call-preview.js'
import { DENIAL_REASONS } from '../authorization-queue/denial-reasons.js'
import { esc, form } from './html.js'

/** A queued request as the authorization_requests data type returns it. */
export type RequestRecord = Record<string, any>

/** A value of the call as an owner reads it: money fields in the currency, instants on the business's clock. */
export function plainValue(field: string, value: unknown, p: Pick<CallPreview, 'currency' | 'timezone'>): string {
  if (value === null || value === undefined || value === '') return '(none)'
  if (typeof value === 'number' && /_cents$/.test(field)) return formatMoney(value, p.currency)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return formatInstant(value, p.timezone)
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** Plain words for a field name: "amount_cents" reads "amount". */
export function fieldWords(field: string): string {
  return field.replace(/_cents$/, '').replace(/_id$/, '').replace(/_/g, ' ')
}

/** What the call will do: summary, customer, lines, total, times and changes, from the request's stored preview. */
export function previewHtml(r: RequestRecord): string {
  const p = r.preview as CallPreview | null
  if (!p) return `<strong>${esc(r.summary)}</strong>`
  const parts = [`<strong>${esc(p.summary)}</strong>`]
  if (p.customer) parts.push(`<p>Customer: <b>${esc(p.customer.name)}</b></p>`)
  if (p.lines?.length) {
    parts.push(`<table class="lines">${p.lines.map((l) => `<tr><td>${esc(l.description)}${l.quantity !== 1 ? ` × ${esc(l.quantity)}` : ''}</td><td class="num">${esc(formatMoney(l.amount_cents, p.currency))}</td></tr>`).join('')}</table>`)
  }
  if (p.total) parts.push(`<p class="total">${esc(p.total.label)}: <b>${esc(formatMoney(p.total.amount_cents, p.currency))}</b></p>`)
  for (const w of p.when ?? []) parts.push(`<p>${esc(w.label)}: <b>${esc(formatInstant(w.at, p.timezone))}</b></p>`)
  if (p.changes?.length) {
    parts.push(`<ul class="changes">${p.changes.map((c) => `<li>${esc(fieldWords(c.field))}: ${esc(plainValue(c.field, c.before, p))} → <b>${esc(plainValue(c.field, c.after, p))}</b></li>`).join('')}</ul>`)
  }
  if (p.warnings?.length) parts.push(`<ul class="warn">${p.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`)
  return parts.join('\n')
}

/** The owner's edits of a request, field by field, for the card and the history. */
export function editsHtml(r: RequestRecord): string {
  const edits = r.edits as Record<string, { before: unknown; after: unknown }> | null
  if (!edits || !Object.keys(edits).length) return ''
  const p = (r.preview as CallPreview | null) ?? { currency: 'USD', timezone: 'UTC' }
  return `<p class="note">You changed: ${Object.entries(edits).map(([f, e]) => `${esc(fieldWords(f))} from ${esc(plainValue(f, e.before, p))} to ${esc(plainValue(f, e.after, p))}`).join('; ')}</p>`
}

/** One pending request with Allow Once (primary), Allow Always (secondary), Edit, and Deny with a reason. */
export function reviewCard(r: RequestRecord, csrf: string): string {
  const tz = (r.preview as CallPreview | null)?.timezone ?? 'UTC'
  return `<div class="card">${previewHtml(r)}
${editsHtml(r)}<p>Why: ${esc(r.reasoning ?? '(no reason given)')}</p>
<p class="note">Asked by ${esc(r.agent_name ?? 'an agent')} · ${esc(formatInstant(r.created_at, tz))} · expires ${esc(formatInstant(r.expires_at, tz))}</p>
<details><summary>Exact call: ${esc(r.action_key)}</summary><pre>${esc(JSON.stringify(r.data, null, 2))}</pre></details>
${form(`/review/${r.id}`, csrf, `<button name="decision" value="allow_once">Allow Once</button>
<div class="row"><button name="decision" value="allow_always" class="second">Allow Always…</button><a class="button second" href="/review/${esc(r.id)}/edit">Edit first</a></div>
<label>If you deny: why not<select name="reason"><option value="">(choose)</option>${Object.entries(DENIAL_REASONS).map(([k, label]) => `<option value="${esc(k)}">${esc(label)}</option>`).join('')}</select></label>
<label>Note for the agent<textarea name="note" rows="2"></textarea></label>
<button name="decision" value="deny" class="deny">Deny</button>`)}</div>`
}
