import type { AppError, FieldIssue } from '../../core/errors.js'
import { html, type SafeHtml } from '../html.js'

/** The fields a refused call names: its validation issues, and the one field a refusal such as a conflict names; none when it names no field. */
export function issuesOf(err: AppError): FieldIssue[] {
  const issues = Array.isArray(err.details?.issues) ? (err.details.issues as Array<{ field?: string; message: string }>) : []
  const named = typeof err.details?.field === 'string' ? [{ field: err.details.field, message: err.message }] : []
  return [...issues, ...named].map((i) => ({ field: String(i.field ?? ''), message: i.message }))
}

/** What was wrong with each form field, by the field's name on the form. */
export type FieldErrors = Map<string, string>

/**
 * The field problems an action's AppError names, by form field: `data.email` becomes `email`, `data.addresses.0.city`
 * becomes `address.city` (the one address a form sends); `rename` maps other action fields to form fields.
 */
export function fieldErrorsOf(err: AppError, rename: Record<string, string> = {}): FieldErrors {
  const out: FieldErrors = new Map()
  for (const issue of issuesOf(err)) {
    const path = issue.field
      .replace(/^data\./, '')
      .replace(/^addresses\.\d+\./, 'address.')
      .replace(/^(emails|phones)\.\d+\.value$/, '$1')
    const name = rename[path] ?? rename[path.split('.')[0]] ?? path
    if (name && !out.has(name)) out.set(name, issue.message)
  }
  return out
}

/** The error line shown under a field, linked to its input by aria-describedby (see describedBy). */
export function fieldError(errors: FieldErrors, name: string): SafeHtml {
  const message = errors.get(name)
  return message ? html`<span class="err" id="${`e_${name}`}">${message}</span>` : html``
}

/** The aria-describedby and aria-invalid attributes of an input whose field has an error. */
export function describedBy(errors: FieldErrors, name: string): SafeHtml {
  return errors.has(name) ? html` aria-invalid="true" aria-describedby="${`e_${name}`}"` : html``
}
