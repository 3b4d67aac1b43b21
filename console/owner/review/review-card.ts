import { formatInstant, type CallPreview } from '../../../core/kernel/call-preview.js'
import { formatMoney } from '../../../core/vocabulary/money.js'
import { DENIAL_REASONS } from '../../../core/domains/approvals/denial-reasons.js'
import { form, html, joinHtml, type SafeHtml } from '../../html.js'

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
  return field
    .replace(/_cents$/, '')
    .replace(/_id$/, '')
    .replace(/_/g, ' ')
}

/** What the call will do: summary, customer, lines, total, times and changes, from the request's stored preview. */
export function previewHtml(r: RequestRecord): SafeHtml {
  const p = r.preview as CallPreview | null
  if (!p) return html`<strong>${r.summary}</strong>`
  return html`<strong>${p.summary}</strong>
${p.customer ? html`<p>Customer: <b>${p.customer.name}</b></p>` : ''}
${
  p.lines?.length
    ? html`<table class="lines">${p.lines.map(
        (l) =>
          html`<tr><td>${l.description}${l.quantity !== 1 ? html` × ${l.quantity}` : ''}</td><td class="num">${formatMoney(
            l.amount_cents,
            p.currency,
          )}</td></tr>`,
      )}</table>`
    : ''
}
${p.total ? html`<p class="total">${p.total.label}: <b>${formatMoney(p.total.amount_cents, p.currency)}</b></p>` : ''}
${(p.when ?? []).map((w) => html`<p>${w.label}: <b>${formatInstant(w.at, p.timezone)}</b></p>`)}
${
  p.changes?.length
    ? html`<ul class="changes">${p.changes.map(
        (c) => html`<li>${fieldWords(c.field)}: ${plainValue(c.field, c.before, p)} → <b>${plainValue(c.field, c.after, p)}</b></li>`,
      )}</ul>`
    : ''
}
${p.warnings?.length ? html`<ul class="warn">${p.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
${(p.texts ?? []).map(
  (t) =>
    html`<p>${t.label}:</p>${
      t.before != null ? html`<p class="note">Now:</p><pre class="wrap">${t.before}</pre><p class="note">After:</p>` : ''
    }<pre class="wrap">${t.after}</pre>`,
)}
${
  p.effect?.length
    ? html`<p>What it does, tried just now:</p><ul class="changes">${p.effect.map((line) => html`<li>${line}</li>`)}</ul>
<p class="note">If this has changed when you allow it, nothing runs and you and the agent are told what changed.</p>`
    : ''
}
${
  p.bound?.length
    ? html`<p class="note">Read when asked: ${joinHtml(
        p.bound.map(
          (b) =>
            html`${fieldWords(b.field.replace(/^data\./, '').replace(/\.\d+/g, ''))} "${String(b.from)}" is <b>${plainValue(b.field, b.to, p)}</b>`,
        ),
        html`; `,
      )}</p>`
    : ''
}`
}

/** The owner's edits of a request, field by field, for the card and the history. */
export function editsHtml(r: RequestRecord): SafeHtml {
  const edits = r.edits as Record<string, { before: unknown; after: unknown }> | null
  if (!edits || !Object.keys(edits).length) return html``
  const p = (r.preview as CallPreview | null) ?? { currency: 'USD', timezone: 'UTC' }
  return html`<p class="note">You changed: ${joinHtml(
    Object.entries(edits).map(([f, e]) => html`${fieldWords(f)} from ${plainValue(f, e.before, p)} to ${plainValue(f, e.after, p)}`),
    html`; `,
  )}</p>`
}

/** How long a request has waited, in the largest whole units: "waiting 5 min", "waiting 3 h 20 min", "waiting 2 days 4 h". */
export function waitedWords(createdAt: Date | string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(createdAt).getTime()) / 60_000))
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  if (days) return `waiting ${days} ${days === 1 ? 'day' : 'days'}${hours ? ` ${hours} h` : ''}`
  if (hours) return `waiting ${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`
  return `waiting ${minutes} min`
}

/**
 * One pending request with Allow Once (primary), Allow Always (secondary), Edit, and Deny with a reason. A call the agent
 * must ask about every time (askedEachTimeBecause: why) has no Allow Always, as no level could lift that. Its box selects
 * it for the answer to several at once (the form with id `batch`, batchForm).
 */
export function reviewCard(r: RequestRecord, csrf: string, askedEachTimeBecause: string | null = null, now = new Date()): SafeHtml {
  const tz = (r.preview as CallPreview | null)?.timezone ?? 'UTC'
  return html`<div class="card"><label><input type="checkbox" name="request_id" value="${r.id}" form="batch"> Select</label>${previewHtml(r)}
${editsHtml(r)}<p>Why: ${r.reasoning ?? '(no reason given)'}</p>
<p class="note">Asked by ${r.agent_name ?? 'an agent'} · ${formatInstant(r.created_at, tz)} · <b>${waitedWords(r.created_at, now)}</b> · expires ${formatInstant(r.expires_at, tz)}</p>
<details><summary>Exact call: ${r.action_key}</summary><pre>${JSON.stringify(r.data, null, 2)}</pre></details>
${form(
  `/review/${r.id}`,
  csrf,
  html`<button name="decision" value="allow_once">Allow Once</button>
${askedEachTimeBecause ? html`<p class="note">Your office manager asks you about calls like this every time, because it ${askedEachTimeBecause}: there is no Allow Always.</p>` : ''}
<div class="row">${askedEachTimeBecause ? '' : html`<button name="decision" value="allow_always" class="second">Allow Always…</button>`}<a class="button second" href="/review/${r.id}/edit">Edit first</a></div>
<label>If you deny: why not<select name="reason"><option value="">(choose)</option>${Object.entries(DENIAL_REASONS).map(([k, label]) => html`<option value="${k}">${label}</option>`)}</select></label>
<label>Note for the agent<textarea name="note" rows="2"></textarea></label>
<button name="decision" value="deny" class="deny">Deny</button>`,
)}</div>`
}

/** Answers the selected requests together: Allow Once or Deny, with one note for the agent. */
export function batchForm(csrf: string): SafeHtml {
  return form(
    '/review/batch',
    csrf,
    html`<p class="note">Tick Select on several requests below, then answer them together.</p>
<label>Note for the agent (with Deny)<textarea name="note" rows="2"></textarea></label>
<div class="row"><button name="decision" value="allow_once">Allow Once selected</button><button name="decision" value="deny" class="deny">Deny selected</button></div>`,
    html` id="batch" class="card"`,
  )
}
