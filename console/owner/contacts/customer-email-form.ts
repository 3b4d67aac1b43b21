import { html, type SafeHtml } from '../../html.js'
import { postForm } from '../../technician/context.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { textArea, textField, type FieldErrors } from '../../form-kit.js'
import { whenFieldset } from '../email-when.js'

/** The email form as typed: subject, body, now or later, and the later date and time in the business's time zone. */
export interface EmailValues {
  subject: string
  body: string
  when: 'now' | 'later'
  send_date: string
  send_time: string
}

/** The email form's state after a refusal: what was typed and what was wrong, by field. */
export interface EmailFormState {
  values: EmailValues
  problems: FieldErrors
}

/** "Send an email" on the customer page: subject, text, and when it goes out (now, or at a local date and time). */
export function customerEmailForm(contactId: string, session: SessionPrincipal, state?: EmailFormState): SafeHtml {
  const v = state?.values ?? { subject: '', body: '', when: 'now', send_date: '', send_time: '' }
  const p = state?.problems ?? new Map()
  return html`<h2 id="email">Send an email</h2>${postForm(
    `/customers/${contactId}/email`,
    session,
    html`${textField('subject', 'Subject', v.subject, p, html` required maxlength="300"`)}
${textArea('body', 'Message', v.body, p, 5)}
${whenFieldset(v, p)}
<button>Send the email</button>`,
  )}`
}
