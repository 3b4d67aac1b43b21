import { validationError, type FieldIssue } from '../../core/kernel/errors.js'
import { zonedInstant } from '../../core/vocabulary/time.js'
import { fieldError, textField, type FieldErrors } from '../form-kit.js'
import { html, type SafeHtml } from '../html.js'

/** An email form as typed: subject, text, now or later, and the later date and time in the business's time zone. */
export type EmailWhenValues = Record<'subject' | 'body' | 'when' | 'send_date' | 'send_time', string>

/** The "When" choice of an email form: now, or later at a local date and time. */
export function whenFieldset(v: EmailWhenValues, p: FieldErrors): SafeHtml {
  const radio = (value: string, label: string) =>
    html`<label class="c"><input type="radio" name="when" value="${value}"${v.when === value ? html` checked` : ''}>${label}</label>`
  return html`<fieldset><legend>When</legend>${radio('now', 'Send now')}${radio('later', 'Send later, at')}<div class="row">${textField(
    'send_date',
    'Date',
    v.send_date,
    p,
    html` type="date"`,
  )}${textField('send_time', 'Time', v.send_time, p, html` type="time"`)}</div>${fieldError(p, 'send_at')}</fieldset>`
}

/** When a later email goes out, read in the business's time zone; undefined for "now", which the next delivery pass sends. */
export function sendAtOf(v: EmailWhenValues, timeZone: string): Date | undefined {
  const issues: FieldIssue[] = []
  if (!v.subject) issues.push({ field: 'data.subject', message: 'expected a subject line' })
  if (!v.body) issues.push({ field: 'data.body', message: 'expected the text of the email' })
  if (v.when === 'later') {
    if (!/^\d{4}-\d\d-\d\d$/.test(v.send_date))
      issues.push({ field: 'data.send_date', message: 'expected a date such as 2026-11-05 for a later email' })
    if (!/^\d\d:\d\d$/.test(v.send_time))
      issues.push({ field: 'data.send_time', message: 'expected a time such as 09:30 for a later email' })
  }
  if (issues.length) throw validationError(issues)
  return v.when === 'later' ? zonedInstant(v.send_date, v.send_time, timeZone) : undefined
}
