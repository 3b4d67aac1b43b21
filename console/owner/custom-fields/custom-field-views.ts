import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Definition } from '../../../core/domains/custom-fields/model.js'
import { customFieldsQuery } from '../../../core/domains/custom-fields/queries.js'
import { form, html, type SafeHtml } from '../../html.js'
import { describedBy, fieldError, type FieldErrors } from '../../form-kit.js'

/** What each type of field is called on the pages. */
export const FIELD_TYPE_WORDS: Record<Definition['field_type'], string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  choice: 'Choice',
  yes_no: 'Yes or no',
}

/** The business's fields for a customer of this kind (kind given) or for tickets, in use and archived, through the registered read. */
export async function fieldsFor(
  caller: Caller,
  record: 'contact' | 'ticket',
  kind?: string,
): Promise<{ live: Definition[]; archived: Definition[] }> {
  const fits = (d: Definition) => (record === 'ticket' ? d.applies_to === 'ticket' : d.applies_to === 'contact' || d.applies_to === kind)
  const [live, archived] = await Promise.all(
    ['false', 'true'].map((archived) =>
      callQuery(caller, customFieldsQuery, { params: { archived: archived as 'true' | 'false' }, limit: 100 }),
    ),
  )
  return { live: (live.items as Definition[]).filter(fits), archived: (archived.items as Definition[]).filter(fits) }
}

/** A value as a person reads it: yes/no for a yes_no field. */
function shown(value: unknown): string {
  return value === true ? 'Yes' : value === false ? 'No' : String(value)
}

/** The values the record holds, each under its field's label; archived fields' values too, marked so. */
export function customValues(fields: { live: Definition[]; archived: Definition[] }, values: Record<string, unknown>): SafeHtml {
  const rows = [...fields.live, ...fields.archived]
    .filter((d) => values[d.key] !== undefined)
    .map(
      (d) => html`<li>${d.label}: ${shown(values[d.key])}${d.archived_at ? html` <span class="muted">(archived field)</span>` : ''}</li>`,
    )
  return rows.length ? html`<ul>${rows}</ul>` : html`<p class="muted">No values yet.</p>`
}

/** One labelled input per field, named custom_fields.<key>, each with its problem under it; `note` adds words after a label. */
export function customFieldInputs(
  defs: Definition[],
  values: Record<string, unknown>,
  errors: FieldErrors,
  note: (d: Definition) => string = () => '',
): SafeHtml[] {
  return defs.map((d) => {
    const name = `custom_fields.${d.key}`
    const v = values[d.key]
    const label = `${d.label}${note(d)}${d.required ? '' : ' (optional)'}`
    const a = describedBy(errors, name)
    const input =
      d.field_type === 'choice'
        ? html`<select name="${name}"${a}><option value="">—</option>${d.options.map((o) => html`<option${o === v ? html` selected` : ''}>${o}</option>`)}</select>`
        : d.field_type === 'yes_no'
          ? html`<select name="${name}"${a}><option value="">—</option><option value="yes"${v === true ? html` selected` : ''}>Yes</option><option value="no"${
              v === false ? html` selected` : ''
            }>No</option></select>`
          : html`<input name="${name}" value="${v === undefined ? '' : String(v)}"${
              d.field_type === 'number'
                ? html` type="number" step="any" inputmode="decimal"`
                : d.field_type === 'date'
                  ? html` type="date"`
                  : html` maxlength="1000"`
            }${a}>`
    return html`<label>${label}${input}${fieldError(errors, name)}</label>`
  })
}

/** The form that sets the record's fields in use; an empty input clears its value. */
export function customFieldsForm(
  action: string,
  csrf: string,
  defs: Definition[],
  values: Record<string, unknown>,
  errors: FieldErrors,
): SafeHtml {
  return form(action, csrf, html`${customFieldInputs(defs, values, errors)}<button class="second">Save fields</button>`)
}

/** The fields as the form sent them, as custom_fields takes them: empty clears a value held, numbers and yes/no are read from their words. */
export function customFieldsSent(
  defs: Definition[],
  body: unknown,
  held: Record<string, unknown>,
): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {}
  for (const d of defs) {
    const raw = (body as Record<string, unknown> | undefined)?.[`custom_fields.${d.key}`]
    const text = typeof raw === 'string' ? raw.trim() : ''
    if (!text) {
      if (held[d.key] !== undefined) out[d.key] = null
    } else if (d.field_type === 'number') out[d.key] = Number.isFinite(Number(text)) ? Number(text) : text
    else if (d.field_type === 'yes_no') out[d.key] = text === 'yes' ? true : text === 'no' ? false : text
    else out[d.key] = text
  }
  return out
}
