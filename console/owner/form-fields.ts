import { html, type SafeHtml } from '../html.js'
import { problemLine, type FieldProblems } from './field-problems.js'

/** A labelled one-line input with its problem, if any, right under it; `attrs` adds e.g. html` type="email" required`. */
export function textField(name: string, label: string, value: string, problems: FieldProblems, attrs: SafeHtml = html``): SafeHtml {
  return html`<label>${label}<input name="${name}" value="${value}"${attrs}${described(name, problems)}>${problemLine(problems, name)}</label>`
}

/** A labelled text area with its problem, if any, right under it. */
export function textArea(name: string, label: string, value: string, problems: FieldProblems, rows = 4): SafeHtml {
  return html`<label>${label}<textarea name="${name}" rows="${String(rows)}"${described(name, problems)}>${value}</textarea>${problemLine(problems, name)}</label>`
}

/** A labelled choice of [value, words] options with the current one selected (an option whose words are its value is written once). */
export function selectField(
  name: string,
  label: string,
  value: string,
  options: ReadonlyArray<readonly [string, string]>,
  problems: FieldProblems,
): SafeHtml {
  return html`<label>${label}<select name="${name}"${described(name, problems)}>${options.map(([v, words]) =>
    v === words
      ? html`<option${v === value ? html` selected` : ''}>${v}</option>`
      : html`<option value="${v}"${v === value ? html` selected` : ''}>${words}</option>`,
  )}</select>${problemLine(problems, name)}</label>`
}

/** A checkbox with its label after it. */
export function checkField(name: string, label: string, checked: boolean): SafeHtml {
  return html`<label class="c"><input type="checkbox" name="${name}"${checked ? html` checked` : ''}>${label}</label>`
}

/** The text a form field was sent with (the first one when repeated), trimmed, with a text area's CRLF line breaks as \n; '' when absent. */
export function sent(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name]
  return String(Array.isArray(v) ? (v[0] ?? '') : (v ?? ''))
    .replace(/\r\n?/g, '\n')
    .trim()
}

function described(name: string, problems: FieldProblems): SafeHtml {
  return problems[name] ? html` aria-invalid="true" aria-describedby="${`e_${name}`}"` : html``
}
