import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { eraseCustomer } from '../../../core/domains/privacy/erase.js'
import { AppError } from '../../../core/kernel/errors.js'
import { form, html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { MISSING_CUSTOMER, readOrNotFound } from '../not-found.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { checkField, field, textField, type FieldErrors } from '../../form-kit.js'

/** The name an erased customer is shown by. */
const ERASED_NAME = 'Erased customer'

/** Erasing a customer on their request: what it does, then the owner types the name to confirm (owner only, as the action). */
export function customerErasePages(services: Services): Router {
  const router = Router()
  router.get(
    '/customers/:id/erase',
    ownerRoute(services, async ({ req, res, session }) => {
      const contact = await contactOr404(services, session, res, req.params.id)
      if (contact) erasePage(res, session, contact, new Map(), false)
    }),
  )
  router.post(
    '/customers/:id/erase',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const contact = await contactOr404(services, session, res, req.params.id)
      if (!contact) return
      const typed = field(req.body, 'name')
      const confirmed = field(req.body, 'confirm') !== ''
      if (typed.toLowerCase() !== contact.display_name.toLowerCase()) {
        return erasePage(
          res,
          session,
          contact,
          new Map([['name', `Type the customer's name exactly as shown: ${contact.display_name}`]]),
          confirmed,
          400,
        )
      }
      onError((err) => {
        // An unpaid invoice or a visit to come: the refusal says which; the form comes back with the box to confirm.
        erasePage(res, session, contact, new Map([['', err.message]]), err.code === 'CONFLICT', err.status)
      })
      const done = await callAction(callerOf(services, session, res), eraseCustomer, { contact_id: contact.id, confirm: confirmed })
      if (done.queued) throw new AppError('FORBIDDEN', "Erasing a customer is the owner's alone")
      const total = Object.values(done.result.rows_changed).reduce((sum, n) => sum + n, 0)
      sendOwnerPage(
        res,
        'Customer erased',
        html`<p>${contact.display_name}'s personal data was erased: ${String(total)} records changed.
Their invoices keep their numbers and amounts, under the name ${ERASED_NAME}.</p><p><a href="/customers">All customers</a></p>`,
      )
    }),
  )
  return router
}

/** The explanation and the confirmation form; askConfirm adds the box to erase despite unpaid invoices or visits to come. */
function erasePage(
  res: Response,
  session: SessionPrincipal,
  contact: { id: string; display_name: string },
  problems: FieldErrors,
  askConfirm: boolean,
  status = 200,
): void {
  const back = `/customers/${contact.id}`
  const body = html`<p><a href="${back}">Back to the customer</a></p>
<p>Erasing removes ${contact.display_name}'s names, emails, phones, addresses, company details, custom fields, preferences, notes, facts, calls,
email texts, files, what was written on their opportunities, quotes and orders, their place in segments and every personal value in the history, for
good. Invoice, quote and order numbers and amounts stay for the books, under the name ${ERASED_NAME}. Visits still to come are cancelled and emails
not yet sent are stopped; the links in emails they already got (answering a visit or a quote, paying an invoice) stop working. This cannot be undone.</p>
<p><a href="${`${back}/export`}">Read or download everything held first</a></p>
${form(
  `${back}/erase`,
  session.csrfToken,
  html`${textField(
    'name',
    `Type the name to confirm: ${contact.display_name}`,
    '',
    problems,
    html` required autocomplete="off"`,
  )}${askConfirm ? checkField('confirm', 'Erase even with unpaid invoices or visits to come', false) : ''}
<button class="deny">Erase this customer</button>`,
)}`
  sendOwnerPage(res, `Erase ${contact.display_name}`, body, {
    status,
    ...(problems.get('') ? { error: `Nothing was erased. ${problems.get('')}` } : {}),
  })
}

/** The customer, read through the registered query; a page saying there is none otherwise (another business's id included). */
async function contactOr404(services: Services, session: SessionPrincipal, res: Response, id: string) {
  return readOrNotFound(res, MISSING_CUSTOMER, () => callQuery(callerOf(services, session, res), contactsQuery, { id }))
}
