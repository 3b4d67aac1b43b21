import type { z } from 'zod'
import type { leadsQuery } from '../../../core/domains/leads/queries.js'
import { localDate, zonedInstant } from '../../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../../html.js'
import { field, fieldError } from '../../form-kit.js'

/** A lead as the registered leads query reads it. */
export type Lead = z.output<typeof leadsQuery.record>

/** The text fields of the lead form, in order, with their labels. */
const TEXT_FIELDS = [
  ['name', 'Name'],
  ['phone', 'Phone'],
  ['email', 'Email'],
  ['address', 'Address (line 1, city, ST 12345)'],
  ['service_interest', 'Wants'],
  ['source', 'Source (phone, website, referral…)'],
  ['property_details', 'Property'],
  ['access_notes', 'Getting in (gate code, pets, parking)'],
  ['preferred_times', 'Preferred days and times'],
] as const

/** What the lead form holds, as typed: every field a string. */
export type LeadTyped = Record<string, string>

/** The form's values from a stored lead; the follow-up shown as a date in the business's time zone. */
export function typedFromLead(lead: Lead, timezone: string): LeadTyped {
  const typed: LeadTyped = {
    raw_notes: lead.raw_notes,
    urgency: lead.urgency ?? '',
    reminder: lead.reminder_at ? localDate(new Date(lead.reminder_at), timezone) : '',
  }
  for (const [name] of TEXT_FIELDS) typed[name] = lead[name] ?? ''
  return typed
}

/** The form's values from a posted body. */
export function typedFromBody(body: unknown): LeadTyped {
  const typed: LeadTyped = { raw_notes: field(body, 'raw_notes'), urgency: field(body, 'urgency'), reminder: field(body, 'reminder') }
  for (const [name] of TEXT_FIELDS) typed[name] = field(body, name)
  return typed
}

/**
 * The action's fields from the typed form: a blank field is left out on create and cleared (null) on update; the
 * follow-up date becomes 9:00 that day in the business's time zone (anything else goes on for the action to refuse).
 */
export function leadInput(typed: LeadTyped, timezone: string, mode: 'create' | 'update'): Record<string, string | null> {
  const blank = mode === 'create' ? undefined : null
  const out: Record<string, string | null> = {}
  const put = (name: string, value: string | null | undefined) => {
    if (value !== undefined) out[name] = value
  }
  for (const [name] of TEXT_FIELDS) put(name, typed[name] || blank)
  put('urgency', typed.urgency || blank)
  put(
    'reminder_at',
    !typed.reminder
      ? blank
      : /^\d{4}-\d{2}-\d{2}$/.test(typed.reminder)
        ? zonedInstant(typed.reminder, '09:00', timezone).toISOString()
        : typed.reminder,
  )
  if (mode === 'create' || typed.raw_notes) out.raw_notes = typed.raw_notes
  return out
}

/** The lead form's inputs, each with the action's complaint about it when it refused one. */
export function leadFields(typed: LeadTyped, problems: Map<string, string>): SafeHtml {
  return html`<label>What they said or wrote<textarea name="raw_notes" required maxlength="20000">${typed.raw_notes}</textarea>${fieldError(problems, 'raw_notes', 'inline')}</label>
${TEXT_FIELDS.map(
  ([name, label]) =>
    html`<label>${label}<input name="${name}" value="${typed[name]}"${
      name === 'email' ? html` type="email" autocomplete="off"` : name === 'phone' ? html` type="tel"` : ''
    }>${fieldError(problems, name, 'inline')}</label>`,
)}
<label>Urgency<select name="urgency"><option value="">not said</option>${['low', 'normal', 'high'].map(
    (u) => html`<option${typed.urgency === u ? html` selected` : ''}>${u}</option>`,
  )}</select>${fieldError(problems, 'urgency', 'inline')}</label>
<label>Follow up on<input type="date" name="reminder" value="${typed.reminder}">${fieldError(problems, 'reminder_at', 'inline')}</label>`
}
