import type { Caller } from '../core/kernel/call-action.js'
import { callQuery } from '../core/kernel/call-query.js'
import { businessQuery } from '../core/domains/settings/queries.js'
import { type AppError, type FieldIssue, validationError } from '../core/kernel/errors.js'
import { formatMoney } from '../core/vocabulary/money.js'
import { html, type SafeHtml } from './html.js'

// The console's one form kit: reading what a form sent, money typed in dollars as cents, and a refusal's problems shown
// next to the fields they name.

/** The text a form field was sent with (the first one when repeated), trimmed, with a text area's CRLF line breaks as \n; '' when absent. */
export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name]
  return String(Array.isArray(v) ? (v[0] ?? '') : (v ?? ''))
    .replace(/\r\n?/g, '\n')
    .trim()
}

/** A number typed in a form field, as a number when it reads as one, else the text as typed ('' when blank), for the action to refuse naming its field. */
export function typedNumber(body: unknown, name: string): number | string {
  const text = field(body, name)
  return text === '' || !Number.isFinite(Number(text)) ? text : Number(text)
}

/** The refusal of an amount the page could not read, named like the action's own field errors. */
export function amountRefused(fieldName: string, raw: string): AppError {
  return validationError([{ field: `data.${fieldName}`, message: `expected an amount in dollars and cents such as 45.50, not "${raw}"` }])
}

/** What the console pages show times and money in: the business's time zone and currency. */
export interface BusinessFormat {
  timezone: string
  currency: string
}

/** The business's time zone and currency, read through the registered business query. */
export async function businessFormat(caller: Caller): Promise<BusinessFormat> {
  const [business] = (await callQuery(caller, businessQuery, { limit: 1 })).items
  return { timezone: business?.timezone ?? 'UTC', currency: business?.currency ?? 'USD' }
}

/** Cents as the business's currency, e.g. $1,234.50. */
export function money(cents: number, format: BusinessFormat): string {
  return formatMoney(cents, format.currency)
}

/** What was wrong, by the field's name on the form; a problem naming no field the form shows is under "". */
export type FieldErrors = Map<string, string>

/** The fields a refused call names: its validation issues, and the one field a refusal such as a conflict names; none when it names no field. */
export function issuesOf(err: AppError): FieldIssue[] {
  const issues = Array.isArray(err.details?.issues) ? (err.details.issues as Array<{ field?: string; message: string }>) : []
  const named = typeof err.details?.field === 'string' ? [{ field: err.details.field, message: err.message }] : []
  return [...issues, ...named].map((i) => ({ field: String(i.field ?? ''), message: i.message }))
}

/** A form whose inputs are named after the action's top-level fields: `line_items.0.price` is shown at `line_items`. */
export const TOP_FIELD = (path: string): string => path.split('.')[0]

/**
 * The problems a refused call names, by form field: the input path loses its "data." (`data.addresses.0.city` becomes
 * `address.city`, the one address a form sends; `emails.0.value` becomes `emails`), then `name` (a map of renames, or a
 * function) gives the form's field name; several problems of one field are joined; a refusal naming no field is under "".
 */
export function fieldErrorsOf(err: AppError, name: Record<string, string> | ((path: string) => string) = {}): FieldErrors {
  const rename = typeof name === 'function' ? name : (path: string) => name[path] ?? name[path.split('.')[0]] ?? path
  const out: FieldErrors = new Map()
  const issues = issuesOf(err)
  for (const issue of issues.length ? issues : [{ field: '', message: err.message }]) {
    const path = issue.field
      .replace(/^data\.?/, '')
      .replace(/^addresses\.\d+\./, 'address.')
      .replace(/^(emails|phones)\.\d+\.value$/, '$1')
    const key = path ? rename(path) : ''
    const before = out.get(key)
    out.set(key, before ? `${before}; ${issue.message}` : issue.message)
  }
  return out
}

/** The problems in one sentence, each field's words before its message ("service id: is required"). */
export function problemsSentence(errors: FieldErrors): string {
  return [...errors].map(([name, message]) => (name ? `${name.replace(/_/g, ' ')}: ${message}` : message)).join('; ')
}

/** The sentence for the page's status line: the problems of fields the form does not show, or a general one. */
export function pageProblem(errors: FieldErrors, shown: readonly string[]): string {
  const others = [...errors].filter(([name]) => !shown.includes(name)).map(([name, message]) => (name ? `${name}: ${message}` : message))
  return `Nothing was saved. ${others.length ? others.join('; ') : 'See the fields marked below.'}`
}

/**
 * The line under a field when it has a problem: by default with the id its input points at (see describedBy); `inline`
 * for a form whose labels hold the line without pointing at it.
 */
export function fieldError(errors: FieldErrors, name: string, style: 'linked' | 'inline' = 'linked'): SafeHtml {
  const message = errors.get(name)
  if (!message) return html``
  return style === 'inline' ? html`<span class="err fe">${message}</span>` : html`<span class="err" id="${`e_${name}`}">${message}</span>`
}

/** The aria-describedby and aria-invalid attributes of an input whose field has a problem. */
export function describedBy(errors: FieldErrors, name: string): SafeHtml {
  return errors.has(name) ? html` aria-invalid="true" aria-describedby="${`e_${name}`}"` : html``
}

/** A labelled one-line input with its problem, if any, right under it; `attrs` adds e.g. html` type="email" required`. */
export function textField(name: string, label: string, value: string, errors: FieldErrors, attrs: SafeHtml = html``): SafeHtml {
  return html`<label>${label}<input name="${name}" value="${value}"${attrs}${describedBy(errors, name)}>${fieldError(errors, name)}</label>`
}

/** A labelled text area with its problem, if any, right under it. */
export function textArea(name: string, label: string, value: string, errors: FieldErrors, rows = 4): SafeHtml {
  return html`<label>${label}<textarea name="${name}" rows="${String(rows)}"${describedBy(errors, name)}>${value}</textarea>${fieldError(errors, name)}</label>`
}

/** A labelled choice of [value, words] options with the current one selected (an option whose words are its value is written once). */
export function selectField(
  name: string,
  label: string,
  value: string,
  options: ReadonlyArray<readonly [string, string]>,
  errors: FieldErrors,
): SafeHtml {
  return html`<label>${label}<select name="${name}"${describedBy(errors, name)}>${options.map(([v, words]) =>
    v === words
      ? html`<option${v === value ? html` selected` : ''}>${v}</option>`
      : html`<option value="${v}"${v === value ? html` selected` : ''}>${words}</option>`,
  )}</select>${fieldError(errors, name)}</label>`
}

/** A checkbox with its label after it. */
export function checkField(name: string, label: string, checked: boolean): SafeHtml {
  return html`<label class="c"><input type="checkbox" name="${name}"${checked ? html` checked` : ''}>${label}</label>`
}

/** The status line of ?done=<key> when the key is one of the page's own, never text from the request. */
export function doneLine(done: unknown, lines: Record<string, string>): string | undefined {
  return typeof done === 'string' && Object.hasOwn(lines, done) ? lines[done] : undefined
}
