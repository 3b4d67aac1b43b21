import type { ActionDefinition } from '../../../core/kernel/registry.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { AppError } from '../../../core/kernel/errors.js'
import { html, type HtmlContent, type SafeHtml } from '../../html.js'
import { postForm, type PageCall } from '../context.js'
import { formatMoney, parseAmountCents } from '../../../core/vocabulary/money.js'

/** The steps of the close-out, in order, as the server names them. */
export const STEP_NAMES = ['work', 'notes', 'next', 'confirm', 'complete', 'payment'] as const
/** One step of the close-out. */
export type StepName = (typeof STEP_NAMES)[number]

const LABELS: Record<StepName, string> = {
  work: 'Work',
  notes: 'Notes',
  next: 'Next',
  confirm: 'Check',
  complete: 'Complete',
  payment: 'Pay',
}

/** The close-out as the closeouts query returns it. */
export type View = Record<string, any>

/** A submitted form's fields (one value each). */
export type Posted = Record<string, string>

/** What a step's page is drawn from. */
export interface StepRender {
  call: PageCall
  view: View
  timezone: string
  /** The fields just submitted, when the page is shown again with an error: what was typed is kept. */
  posted?: Posted
}

/** One step of the close-out: its page, how its form becomes the action's data, and the action. */
export interface StepPage {
  step: StepName
  title: string
  /** The closeout action the form runs. */
  action: ActionDefinition
  render(s: StepRender): Promise<SafeHtml> | SafeHtml
  /** The action's data (ticket_id is added), from the form; bad input is a VALIDATION_ERROR naming the field. */
  data(posted: Posted, view: View): Record<string, unknown>
  /** Where to go after saving (given the close-out as saved), when not simply the next step (e.g. "Update" stays on the step). */
  after?(posted: Posted, saved: View): string | null
}

/** The path of one step's page. */
export function stepPath(ticketId: string, step: StepName): string {
  return `/tickets/${ticketId}/closeout/${step}`
}

/** The progress bar: steps done, the one shown, the ones ahead. */
export function stepBar(view: View, current: StepName): SafeHtml {
  return html`<div class="steps">${STEP_NAMES.map((s) => html`<span class="${s === current ? 'a' : view.steps_done.includes(s) ? 'd' : ''}">${LABELS[s]}</span>`)}</div>`
}

/** The step's form: CSRF and one-time tokens, and the offline notice the script shows. */
export function stepForm(session: SessionPrincipal, ticketId: string, step: StepName, inner: HtmlContent): SafeHtml {
  return html`${postForm(stepPath(ticketId, step), session, inner, html` data-closeout`)}<p id="offline" class="warn" role="status">No connection: your answer is kept on this phone and will be sent when you are back online.</p>`
}

/** A field's value: what was just submitted, else the stored answer. */
export function fieldValue(posted: Posted | undefined, name: string, stored: unknown): string {
  return posted && name in posted ? posted[name] : stored === null || stored === undefined ? '' : String(stored)
}

/** Bad input in one form field: the message is what the page shows, the field is named in the details. */
export function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION_ERROR', message, { issues: [{ field, message }] })
}

/** A whole number from a form field, or a VALIDATION_ERROR naming it. */
export function wholeNumber(posted: Posted, name: string, label: string, min: number, max: number): number {
  const raw = (posted[name] ?? '').trim()
  const n = Number(raw)
  if (!raw || !Number.isInteger(n) || n < min || n > max) throw fieldError(name, `${label}: enter a whole number from ${min} to ${max}`)
  return n
}

// A technician's price field takes up to $9,999,999.99.
const MAX_PRICE_CENTS = 999_999_999

/** Dollars and cents as typed ("45", "45.5", "$1,045.50") in integer cents, or a VALIDATION_ERROR naming the field. */
export function cents(posted: Posted, name: string, label: string): number {
  const c = parseAmountCents(posted[name] ?? '')
  if (c === null || c < 0 || c > MAX_PRICE_CENTS) throw fieldError(name, `${label}: enter a price such as 45 or 45.50`)
  return c
}

/** Cents as a price field shows them: "45.50". */
export function dollars(c: number): string {
  return (c / 100).toFixed(2)
}

/** The frozen summary of the work, notes and next service (confirmation and completion steps). */
export function summary(view: View, full: boolean): SafeHtml {
  const w = view.work
  const cur = w.totals.currency
  const lines = (w.line_items as View[]).map(
    (l) =>
      html`<tr><td>${l.description}${l.quantity > 1 ? ` × ${l.quantity}` : ''}</td><td class="r">${formatMoney(l.price_cents, cur)}</td></tr>`,
  )
  const tax = w.totals.tax_cents ? html`<tr><td>Tax</td><td class="r">${formatMoney(w.totals.tax_cents, cur)}</td></tr>` : ''
  return html`<div class="card"><div class="muted">#${view.ticket.number} ${view.ticket.contact_name} · ${w.duration_minutes} min</div>
<table>${full ? [lines, tax] : ''}<tr><th>Total</th><th class="r">${formatMoney(w.totals.total_cents, cur)}</th></tr></table>
${full ? html`<p><strong>Notes:</strong> ${view.notes ? view.notes : html`<span class="muted">none</span>`}</p>` : ''}
<p><strong>Next:</strong> ${nextText(view.next_service)}</p></div>`
}

/** The next service in words. */
export function nextText(next: View | null): string {
  if (!next) return 'not chosen yet'
  if (next.kind === 'schedule') return `next visit booked for ${String(next.scheduled_start).replace('T', ' ').slice(0, 16)}`
  if (next.kind === 'reach_out') return `reach out in ${next.months} month${next.months === 1 ? '' : 's'}`
  if (next.kind === 'keep_series') return 'keep the series (the next visit is already booked)'
  return 'no follow-up'
}
