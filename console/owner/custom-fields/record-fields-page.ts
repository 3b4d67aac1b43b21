import { Router } from 'express'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { updateContact } from '../../../core/domains/contacts/actions.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { updateTicket } from '../../../core/domains/tickets/actions.js'
import { AppError } from '../../../core/kernel/errors.js'
import { callerOf as workCaller, pageRoute, sendWorkPage, ticketFor } from '../../technician/context.js'
import { ticketPage } from '../../technician/ticket.js'
import { customFieldsSent, fieldsFor } from './custom-field-views.js'
import { customerBody, loadCustomer } from '../contacts/customer-detail.js'
import { sendOwnerPage } from '../owner-page.js'
import { MISSING_CUSTOMER, readOrNotFound } from '../not-found.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { businessFormat, fieldErrorsOf } from '../../form-kit.js'

/** The owner fills in the business's own fields from a customer's page (POST /customers/:id/fields) and a visit's (POST /tickets/:id/fields). */
export function recordFieldsPages(services: Services): Router {
  const router = Router()

  router.post(
    '/customers/:id/fields',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const contact = await readOrNotFound(res, MISSING_CUSTOMER, () => callQuery(caller, contactsQuery, { id: req.params.id }))
      if (!contact) return
      const fields = await fieldsFor(caller, 'contact', contact.kind)
      onError(async (err) => {
        const { timezone } = await businessFormat(caller)
        const data = await loadCustomer(caller, contact.id, timezone)
        return sendOwnerPage(
          res,
          contact.display_name,
          customerBody(data, { timeZone: timezone, csrf: session.csrfToken, session, fieldErrors: fieldErrorsOf(err) }),
          { status: err.status, error: `Nothing was saved. ${err.message}` },
        )
      })
      await callAction(caller, updateContact, {
        contact_id: contact.id,
        custom_fields: customFieldsSent(fields.live, req.body, contact.custom_fields),
      })
      res.redirect(303, `/customers/${contact.id}?done=fields#fields`)
    }),
  )

  router.post(
    '/tickets/:id/fields',
    pageRoute(services, async (call) => {
      const actor = call.session.actor
      if (actor.type !== 'user' || actor.role !== 'owner')
        throw new AppError('FORBIDDEN', 'Only the business owner can change a visit from this page.')
      const id = String(call.req.params.id)
      const ticket = await ticketFor(call, id)
      const fields = await fieldsFor(workCaller(call), 'ticket')
      try {
        await callAction(workCaller(call), updateTicket, {
          ticket_id: id,
          custom_fields: customFieldsSent(fields.live, call.req.body, ticket.custom_fields),
        })
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        sendWorkPage(call, await ticketPage(call, id, `Nothing was saved. ${err.message}`), err.status)
        return
      }
      call.res.redirect(303, `/tickets/${id}?done=fields`)
    }),
  )
  return router
}
