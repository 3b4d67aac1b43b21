import type { z } from 'zod'
import type { updateSettings } from '../../../core/domains/settings/actions.js'
import type { SETTINGS_RECORD } from '../../../core/domains/settings/model.js'
import type { Weekday } from '../../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../../html.js'
import { checkField, field, fieldError, selectField, textArea, textField, type FieldErrors } from '../../form-kit.js'
import { BACKUP_FORM_FIELDS } from './backup-views.js'

/** The week as the form lists it, Monday first. */
const DAYS: ReadonlyArray<readonly [Weekday, string]> = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
]

const TEXT_FIELDS = [
  'name',
  'timezone',
  'currency',
  'default_tax_rate',
  'invoice_prefix',
  'invoice_terms_days',
  'reply_to_email',
  'phone',
  'website',
  'payment_instructions',
  'follow_up_after_hours',
  'follow_up_max',
  'reminder_time',
  'lapsed_after_months',
  'invoice_reminder_days',
  'quote_follow_up_days',
  'review_link',
  'review_after_days',
  'review_every_months',
  ...BACKUP_FORM_FIELDS,
  ...DAYS.map(([d]) => `hours_${d}`),
] as const

/** Every field the settings form shows, by its name on the form. */
export const SETTINGS_FORM_FIELDS: readonly string[] = [...TEXT_FIELDS, 'send_confirmations', 'send_reminders']

/** The form's values as shown in its inputs: text as typed, checkboxes as 'on' or ''. */
export type SettingsFormValues = Record<string, string>

/** The settings update the form sends. */
export type SettingsChange = z.input<typeof updateSettings.input>

/** The form's values for the business's current settings. */
export function formValuesOf(s: z.output<typeof SETTINGS_RECORD>): SettingsFormValues {
  const values: SettingsFormValues = {
    name: s.name,
    timezone: s.timezone,
    currency: s.currency,
    default_tax_rate: String(s.default_tax_rate_bp / 100),
    invoice_prefix: s.invoice_prefix,
    invoice_terms_days: String(s.invoice_terms_days),
    reply_to_email: s.reply_to_email ?? '',
    phone: s.phone,
    website: s.website ?? '',
    payment_instructions: s.payment_instructions,
    follow_up_after_hours: String(s.follow_up_after_hours),
    follow_up_max: String(s.follow_up_max),
    reminder_time: s.reminder_time.slice(0, 5),
    send_confirmations: s.send_confirmations ? 'on' : '',
    send_reminders: s.send_reminders ? 'on' : '',
    lapsed_after_months: String(s.lapsed_after_months),
    invoice_reminder_days: s.invoice_reminder_days.join(', '),
    quote_follow_up_days: s.quote_follow_up_days === null ? '' : String(s.quote_follow_up_days),
    review_link: s.review_link ?? '',
    review_after_days: String(s.review_after_days),
    review_every_months: String(s.review_every_months),
    backup_time: s.backup_time,
    backup_keep_daily: String(s.backup_keep_daily),
    backup_keep_weekly: String(s.backup_keep_weekly),
    backup_keep_monthly: String(s.backup_keep_monthly),
  }
  for (const [day] of DAYS) values[`hours_${day}`] = (s.business_hours[day] ?? []).map(([from, to]) => `${from}-${to}`).join(', ')
  return values
}

/** The form's values as the owner sent them. */
export function formValuesSent(body: unknown): SettingsFormValues {
  return Object.fromEntries(SETTINGS_FORM_FIELDS.map((f) => [f, field(body, f)]))
}

/** The form field a problem of settings.update names: business_hours.mon.0 is the Monday field, the tax rate is typed in percent. */
export function settingsFormField(path: string): string {
  const [first, second] = path.split('.')
  if (first === 'business_hours') return second ? `hours_${second}` : 'hours_mon'
  if (first === 'default_tax_rate_bp') return 'default_tax_rate'
  return first
}

/** The update the form's values ask for, or what to fix in which field (nothing is sent then). */
export function settingsChange(v: SettingsFormValues): { change: SettingsChange; problems: FieldErrors } {
  const problems: FieldErrors = new Map()
  const whole = (field: string): number | undefined => {
    if (/^\d{1,6}$/.test(v[field])) return Number(v[field])
    problems.set(field, 'expected a whole number, e.g. 30')
  }
  let tax: number | undefined
  const rate = v.default_tax_rate.replace(/\s*%$/, '')
  if (/^\d{1,3}(\.\d{1,2})?$/.test(rate)) tax = Math.round(Number(rate) * 100)
  else problems.set('default_tax_rate', 'expected a percentage with at most two decimals, e.g. 8.25')
  const hours: Partial<Record<Weekday, Array<[string, string]>>> = {}
  for (const [day] of DAYS) {
    const periods = openingPeriods(v[`hours_${day}`])
    if (periods) hours[day] = periods
    else problems.set(`hours_${day}`, 'expected opening times such as 08:00-17:00, or 08:00-12:00, 13:00-17:00; leave it empty when closed')
  }
  const reminderDays = dayOffsets(v.invoice_reminder_days)
  if (!reminderDays) problems.set('invoice_reminder_days', 'expected days from the due date separated by commas, e.g. -3, 0, 7')
  const change: SettingsChange = {
    name: v.name,
    timezone: v.timezone,
    currency: v.currency.toUpperCase(),
    default_tax_rate_bp: tax,
    invoice_prefix: v.invoice_prefix.toUpperCase(),
    invoice_terms_days: whole('invoice_terms_days'),
    reply_to_email: v.reply_to_email || null,
    phone: v.phone,
    website: v.website.trim() || null,
    payment_instructions: v.payment_instructions,
    send_confirmations: v.send_confirmations !== '',
    follow_up_after_hours: whole('follow_up_after_hours'),
    follow_up_max: whole('follow_up_max'),
    send_reminders: v.send_reminders !== '',
    reminder_time: v.reminder_time,
    business_hours: hours,
    lapsed_after_months: whole('lapsed_after_months'),
    invoice_reminder_days: reminderDays ?? undefined,
    quote_follow_up_days: v.quote_follow_up_days.trim() === '' ? null : whole('quote_follow_up_days'),
    review_link: v.review_link.trim() || null,
    review_after_days: whole('review_after_days'),
    review_every_months: whole('review_every_months'),
    backup_time: v.backup_time,
    backup_keep_daily: whole('backup_keep_daily'),
    backup_keep_weekly: whole('backup_keep_weekly'),
    backup_keep_monthly: whole('backup_keep_monthly'),
  }
  return { change, problems }
}

/** "-3, 0, 7" as whole days from a due date; [] for an empty field; null when it cannot be read. */
function dayOffsets(text: string): number[] | null {
  const parts = text.split(/[,;\s]+/).filter(Boolean)
  return parts.every((p) => /^[-+−]?\d{1,3}$/.test(p)) ? parts.map((p) => Number(p.replace('−', '-'))) : null
}

/** "08:00-12:00, 13:00-17:00" as [start, end] pairs; [] for an empty field or "closed"; null when it cannot be read. */
function openingPeriods(text: string): Array<[string, string]> | null {
  if (text === '' || /^closed$/i.test(text)) return []
  const periods: Array<[string, string]> = []
  for (const part of text.split(/[,;]/)) {
    const m = part.trim().match(/^(\d{1,2}):(\d\d)\s*(?:-|–|to)\s*(\d{1,2}):(\d\d)$/i)
    if (!m) return null
    periods.push([`${m[1].padStart(2, '0')}:${m[2]}`, `${m[3].padStart(2, '0')}:${m[4]}`])
  }
  return periods
}

/** The settings form's inputs, filled with the values and each problem under its field. */
export function settingsInputs(v: SettingsFormValues, problems: FieldErrors, timeZones: readonly string[]): SafeHtml {
  const zones = timeZones.includes(v.timezone) || !v.timezone ? timeZones : [v.timezone, ...timeZones]
  return html`<h2>Business</h2>
${textField('name', 'Business name', v.name, problems, html` required maxlength="200" autocomplete="organization"`)}
${selectField(
  'timezone',
  'Time zone',
  v.timezone,
  zones.map((z) => [z, z] as const),
  problems,
)}
${textField('reply_to_email', 'Reply-to email (optional)', v.reply_to_email, problems, html` type="email" autocomplete="email"`)}
${textField('phone', 'Phone for customers (optional, shown on quote and invoice pages)', v.phone, problems, html` type="tel" maxlength="40" autocomplete="tel"`)}
${textField('website', 'Your web site (optional; the only site the agent may point customers at without asking you)', v.website, problems, html` inputmode="url" maxlength="300" autocomplete="url"`)}
<h2>Business hours</h2><p class="note">Opening times like 08:00-17:00; two periods as 08:00-12:00, 13:00-17:00; empty when closed.</p>
${DAYS.map(([day, words]) => textField(`hours_${day}`, words, v[`hours_${day}`], problems, html` autocomplete="off"`))}
<h2>Invoices</h2>
<div class="row">${textField('currency', 'Currency', v.currency, problems, html` maxlength="3" autocapitalize="characters"`)}
${textField('default_tax_rate', 'Tax rate (%)', v.default_tax_rate, problems, html` inputmode="decimal"`)}</div>
<div class="row">${textField('invoice_prefix', 'Invoice prefix', v.invoice_prefix, problems, html` maxlength="10" autocapitalize="characters"`)}
${textField('invoice_terms_days', 'Days to pay', v.invoice_terms_days, problems, html` inputmode="numeric"`)}</div>
${textArea('payment_instructions', 'Payment instructions (printed on invoices)', v.payment_instructions, problems, 3)}
<h2>Appointment emails</h2>
${checkField('send_confirmations', 'Email a confirmation when an appointment is booked or moved', v.send_confirmations !== '')}
<div class="row">${textField('follow_up_after_hours', 'Follow up after (hours)', v.follow_up_after_hours, problems, html` inputmode="numeric"`)}
${textField('follow_up_max', 'Most follow-ups', v.follow_up_max, problems, html` inputmode="numeric"`)}</div>
${checkField('send_reminders', 'Email a reminder the day before', v.send_reminders !== '')}
${textField('reminder_time', 'Reminder time', v.reminder_time, problems, html` type="time"`)}${fieldError(problems, 'send_reminders')}
<h2>Follow-ups</h2>
<p class="note">Sent at the reminder time above. Each one shows under Messages before it goes, and stops by itself when it no longer applies.</p>
${textField('invoice_reminder_days', 'Unpaid invoice reminders (days from the due date: -3 before, 0 on the day, 7 after; empty for none)', v.invoice_reminder_days, problems, html` autocomplete="off"`)}
${textField('quote_follow_up_days', 'Quote follow-up (days before it lapses; empty for none)', v.quote_follow_up_days, problems, html` inputmode="numeric"`)}
${textField('review_link', 'Review page for review requests (e.g. your Google review link; empty for none)', v.review_link, problems, html` type="url"`)}
<div class="row">${textField('review_after_days', 'Ask for a review (days after a visit)', v.review_after_days, problems, html` inputmode="numeric"`)}
${textField('review_every_months', 'At most once per customer every (months)', v.review_every_months, problems, html` inputmode="numeric"`)}</div>
<h2>Customers</h2>
${textField('lapsed_after_months', 'Past customer after (months without a visit or payment)', v.lapsed_after_months, problems, html` inputmode="numeric"`)}`
}
