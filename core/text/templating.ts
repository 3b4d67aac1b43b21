import type { FieldIssue } from '../kernel/errors.js'

/** Values for rendering; a variable left out renders as empty text. */
export type TemplateValues = Partial<Record<string, string | number | null>>

/** A line's text around its placeholders that is only a label, e.g. "Pay online:" or "Address:". */
const LABEL = /^[^:.!?]{1,40}:$/

/** A placeholder: {{name}}, spaces inside the braces allowed. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g

/** The variable names a text uses, in order of first use. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))]
}

/**
 * Problems with the placeholders of one field: names not among the known variables (listing them) and unbalanced braces.
 */
export function templateIssues(field: string, text: string, known: Readonly<Record<string, string>>): FieldIssue[] {
  const issues: FieldIssue[] = []
  const unknown = variablesIn(text).filter((name) => !Object.hasOwn(known, name))
  if (unknown.length) {
    issues.push({
      field,
      message:
        `unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `{{${n}}}`).join(', ')}; ` +
        `known variables: ${Object.keys(known).join(', ')}`,
    })
  }
  const rest = text.replace(PLACEHOLDER, '')
  if (rest.includes('{{') || rest.includes('}}')) {
    issues.push({ field, message: 'has unbalanced braces: write a variable as {{name}}, e.g. {{customer_first_name}}' })
  }
  return issues
}

/**
 * Fills the {{variables}} of a text with plain values, in one pass: a value is inserted as written and never read
 * for placeholders again, and nothing in a template is evaluated. A line that held only placeholders which all
 * rendered empty is dropped (with
 * the blank line it would leave doubled), so an absent optional value leaves no gap; so is a line of a short label and
 * placeholders that all rendered empty ("Pay online: {{payment_link}}" when there is no link).
 *
 * The output is plain text. Escaping it for HTML is the job of the email layer that puts it into HTML.
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  const out: string[] = []
  let dropped = false
  for (const line of text.split('\n')) {
    const rendered = line.replace(PLACEHOLDER, (_, name: string) => placeholderValue(values, name))
    const rest = line.replace(PLACEHOLDER, '').trim()
    const usesPlaceholders = rest !== line.trim()
    const allEmpty = [...line.matchAll(PLACEHOLDER)].every((m) => placeholderValue(values, m[1]).trim() === '')
    // "Pay online: {{payment_link}}" with no link says nothing: a short label before empty values goes with them.
    if (usesPlaceholders && allEmpty && (rest === '' || LABEL.test(rest))) {
      dropped = true
      continue
    }
    // A dropped line between two blank lines would leave a double gap: keep one.
    if (dropped && rendered.trim() === '' && out.length && out[out.length - 1].trim() === '') continue
    dropped = false
    out.push(rendered)
  }
  return out.join('\n')
}

function placeholderValue(values: TemplateValues, name: string): string {
  if (!Object.hasOwn(values, name)) return ''
  const value = values[name]
  return value === null || value === undefined ? '' : String(value)
}
