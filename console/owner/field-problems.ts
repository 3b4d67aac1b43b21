import type { AppError } from '../../core/errors.js'
import { html, type SafeHtml } from '../html.js'
import { issuesOf } from './field-errors.js'

/** What went wrong, by form field: the field's name on the form and the sentence shown next to it. */
export type FieldProblems = Record<string, string>

/**
 * The problems a refused call names, by form field: `formField` turns an input path ("timezone",
 * "business_hours.mon.0", without the leading "data.") into the form's field name; a problem naming no field is under "".
 */
export function problemsOf(err: AppError, formField: (path: string) => string = (path) => path.split('.')[0]): FieldProblems {
  const named = issuesOf(err)
  // Keyed by field names the caller sent: no prototype, so a field called "constructor" is only that.
  const out: FieldProblems = Object.create(null)
  for (const issue of named.length ? named : [{ field: '', message: err.message }]) {
    const path = issue.field.replace(/^data\.?/, '')
    const key = path ? formField(path) : ''
    out[key] = out[key] ? `${out[key]}; ${issue.message}` : issue.message
  }
  return out
}

/** The red line under a field when it has a problem; the id lets the input point at it with aria-describedby. */
export function problemLine(problems: FieldProblems, field: string): SafeHtml {
  return problems[field] ? html`<span class="err" id="${`e_${field}`}">${problems[field]}</span>` : html``
}

/** The sentence for the page's status line: the problems of fields the form does not show, or a general one. */
export function pageProblem(problems: FieldProblems, shown: readonly string[]): string {
  const others = Object.entries(problems)
    .filter(([field]) => !shown.includes(field))
    .map(([field, message]) => (field ? `${field}: ${message}` : message))
  return `Nothing was saved. ${others.length ? others.join('; ') : 'See the fields marked below.'}`
}
