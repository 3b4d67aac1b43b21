import { localDate, localTime, zonedInstant } from '../../../core/vocabulary/time.js'
import { jsonSchemaOf } from '../../../core/kernel/json-schema.js'
import type { ActionDefinition } from '../../../core/kernel/registry.js'
import { html, joinHtml, type SafeHtml } from '../../html.js'
import { fieldWords } from './review-card.js'
import { field } from '../../form-kit.js'
import { parseAmountCents } from '../../../core/vocabulary/money.js'

/** A top-level field of a call the owner may change on the edit form, and how it is typed in. */
export interface EditableField {
  name: string
  kind: 'money' | 'number' | 'yes_no' | 'choice' | 'moment' | 'date' | 'text'
  required: boolean
  choices?: string[]
  long?: boolean
}

/** The call's top-level fields that are amounts, numbers, dates, times, choices or text; ids and lists stay as the agent sent them. */
export function editableFields(def: ActionDefinition): EditableField[] {
  const schema = jsonSchemaOf(def.input) as { properties?: Record<string, any>; required?: string[] }
  const out: EditableField[] = []
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const s = raw.anyOf ? (raw.anyOf.find((x: any) => x.type !== 'null') ?? {}) : raw
    const required = (schema.required ?? []).includes(name)
    if (s.enum) out.push({ name, kind: 'choice', required, choices: s.enum.map(String) })
    else if (s.type === 'integer' && name.endsWith('_cents')) out.push({ name, kind: 'money', required })
    else if (s.type === 'integer' || s.type === 'number') out.push({ name, kind: 'number', required })
    else if (s.type === 'boolean') out.push({ name, kind: 'yes_no', required })
    else if (s.type === 'string' && s.format === 'date-time') out.push({ name, kind: 'moment', required })
    else if (s.type === 'string' && s.format === 'date') out.push({ name, kind: 'date', required })
    else if (s.type === 'string' && !s.format) out.push({ name, kind: 'text', required, long: (s.maxLength ?? 0) > 200 })
  }
  return out
}

/** The form inputs of the editable fields, filled with the call's values (or what the owner typed). */
export function fieldInputs(fields: EditableField[], values: Record<string, unknown>, timeZone: string): SafeHtml {
  return joinHtml(
    fields.map((f) => {
      const v = values[f.name]
      const id = `f_${f.name}`
      const label = `${fieldWords(f.name)}${f.kind === 'money' ? ' ($)' : ''}${f.required ? '' : ' (optional)'}`
      const shown = typeof v === 'string' && !(v as string).length ? '' : v === undefined || v === null ? '' : String(v)
      if (f.kind === 'choice' || f.kind === 'yes_no') {
        const options =
          f.kind === 'yes_no'
            ? [
                ['true', 'yes'],
                ['false', 'no'],
              ]
            : f.choices!.map((c) => [c, c.replace(/_/g, ' ')])
        return html`<label>${label}<select name="${id}">${f.required ? '' : html`<option value="">(not given)</option>`}${options.map(
          ([val, words]) => html`<option value="${val}"${shown === val ? html` selected` : ''}>${words}</option>`,
        )}</select></label>`
      }
      if (f.kind === 'text' && f.long) return html`<label>${label}<textarea name="${id}" rows="3">${shown}</textarea></label>`
      const value =
        f.kind === 'money' && typeof v === 'number'
          ? (v / 100).toFixed(2)
          : f.kind === 'moment' && /(Z|[+-]\d\d:?\d\d)$/.test(shown)
            ? `${localDate(new Date(shown), timeZone)}T${localTime(new Date(shown), timeZone)}`
            : shown
      const type = f.kind === 'moment' ? 'datetime-local' : f.kind === 'date' ? 'date' : f.kind === 'number' ? 'number' : 'text'
      return html`<label>${label}<input type="${type}" name="${id}" value="${value}"${f.kind === 'money' ? html` inputmode="decimal"` : ''}></label>`
    }),
    html`\n`,
  )
}

/** The edited call: the agent's call with each editable field as the owner typed it; a blank optional field is left out. */
export function editedCall(
  fields: EditableField[],
  original: Record<string, unknown>,
  body: Record<string, unknown>,
  timeZone: string,
): { data: Record<string, unknown>; problems: string[] } {
  const data = { ...original }
  const problems: string[] = []
  for (const f of fields) {
    const raw = field(body, `f_${f.name}`)
    if (raw === '') {
      delete data[f.name]
      continue
    }
    const words = fieldWords(f.name)
    if (f.kind === 'money') {
      const cents = parseAmountCents(raw)
      if (cents === null || cents < 0) problems.push(`${words}: enter dollars and cents, e.g. 45.50`)
      else data[f.name] = cents
    } else if (f.kind === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(raw)) problems.push(`${words}: enter a number`)
      else data[f.name] = Number(raw)
    } else if (f.kind === 'yes_no') {
      data[f.name] = raw === 'true'
    } else if (f.kind === 'moment') {
      const m = raw.match(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/)
      if (!m) problems.push(`${words}: enter a date and time`)
      else data[f.name] = zonedInstant(m[1], m[2], timeZone).toISOString()
    } else {
      data[f.name] = raw
    }
  }
  return { data, problems }
}
