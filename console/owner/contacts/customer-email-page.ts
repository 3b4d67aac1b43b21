import { Router } from 'express'
import type { Services } from '../../../core/kernel/context.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { scheduleMessage } from '../../../core/domains/messages/actions.js'
import { AppError } from '../../../core/kernel/errors.js'
import { sendAtOf } from '../email-when.js'
import { html } from '../../html.js'
import { customerBody, loadCustomer } from './customer-detail.js'
import type { EmailValues } from './customer-email-form.js'
import { sendOwnerPage } from '../owner-page.js'
import { isUuid } from '../../../core/kernel/schema-types.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { businessFormat, field, fieldErrorsOf, problemsSentence } from '../../form-kit.js'

/** The owner writes to a customer from the customer page: POST /customers/:id/email queues a custom email (message.schedule). */
export function customerEmailPages(services: Services): Router {
  const router = Router()

  router.post(
    '/customers/:id/email',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const id = String(req.params.id)
      let contact
      try {
        if (!isUuid(id)) throw new AppError('NOT_FOUND', 'no such customer')
        contact = await callQuery(caller, contactsQuery, { id })
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'NOT_FOUND') throw err
        return sendOwnerPage(
          res,
          'Customer not found',
          html`<p>There is no such customer.</p><p><a href="/customers">All customers</a></p>`,
          { status: 404 },
        )
      }
      const { timezone } = await businessFormat(caller)
      const values: EmailValues = {
        subject: field(req.body, 'subject'),
        body: field(req.body, 'body'),
        when: field(req.body, 'when') === 'later' ? 'later' : 'now',
        send_date: field(req.body, 'send_date'),
        send_time: field(req.body, 'send_time'),
      }
      onError(async (err) => {
        const problems = fieldErrorsOf(err)
        const data = await loadCustomer(caller, contact.id, timezone)
        const summary = problemsSentence(problems)
        return sendOwnerPage(
          res,
          contact.display_name,
          customerBody(data, { timeZone: timezone, csrf: session.csrfToken, session, email: { values, problems } }),
          { status: err.status, error: `The email was not sent. ${summary}` },
        )
      })
      const sendAt = sendAtOf(values, timezone)
      await callAction(caller, scheduleMessage, {
        contact_id: contact.id,
        kind: 'custom',
        subject: values.subject,
        body: values.body,
        ...(sendAt ? { send_at: sendAt.toISOString() } : {}),
      })
      res.redirect(303, `/customers/${contact.id}?done=email#email`)
    }),
  )

  return router
}
