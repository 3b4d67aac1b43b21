import { Router, type Response } from 'express'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { updateContact } from '../../../core/domains/contacts/actions.js'
import { linkContacts } from '../../../core/domains/contacts/link-actions.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { referralsQuery } from '../../../core/domains/contacts/referrals.js'
import { html } from '../../html.js'
import { companyInputOf } from './company-form.js'
import { sendOwnerPage } from '../owner-page.js'
import { MISSING_CUSTOMER, readOrNotFound } from '../not-found.js'
import { referralsBody, RELATIONSHIP_CHOICES, whichCustomerForm } from './relationship-views.js'
import { isUuid } from '../../../core/kernel/schema-types.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { field, fieldErrorsOf, problemsSentence } from '../../form-kit.js'

/** How many customers matching a typed name the owner chooses between. */
const CANDIDATES = 6

/** Adding a relationship from a customer's page, an organization's company details, and the customer's referral chains. */
export function relationshipsPages(services: Services): Router {
  const router = Router()

  router.post(
    '/customers/:id/links',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const contact = await contactOr404(caller, res, req.params.id)
      if (!contact) return
      const back = `/customers/${contact.id}#relationships`
      const relationship = field(req.body, 'relationship')
      const strength = field(req.body, 'strength') || 'normal'
      const choice = RELATIONSHIP_CHOICES[relationship]
      if (!choice) return refused(res, 'Relationship: choose one from the list.', back)
      let otherId = field(req.body, 'other_id')
      if (!isUuid(otherId)) {
        const typed = field(req.body, 'other').trim()
        if (!typed) return refused(res, 'Other customer: type a name, email or phone.', back)
        const found = (await callQuery(caller, contactsQuery, { params: { q: typed }, limit: CANDIDATES + 1 })).items.filter(
          (c) => c.id !== contact.id,
        )
        if (!found.length) return refused(res, `Other customer: no other customer matches "${typed}".`, back, 404)
        if (found.length > 1) {
          return sendOwnerPage(
            res,
            'Which customer?',
            whichCustomerForm(contact, session.csrfToken, { relationship, strength }, found.slice(0, CANDIDATES)),
          )
        }
        otherId = found[0].id
      }
      const [from, to] = choice.thisIs === 'from' ? [contact.id, otherId] : [otherId, contact.id]
      onError((err) => {
        return refused(res, problemsSentence(fieldErrorsOf(err)), back, err.status)
      })
      await callAction(caller, linkContacts, { contact_id: from, to_contact_id: to, link_type: choice.link_type, strength } as never)
      res.redirect(303, `/customers/${contact.id}?done=linked#relationships`)
    }),
  )

  router.post(
    '/customers/:id/company',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const contact = await contactOr404(caller, res, req.params.id)
      if (!contact) return
      onError((err) => {
        return refused(res, problemsSentence(fieldErrorsOf(err)), `/customers/${contact.id}`, err.status, 'Not saved')
      })
      await callAction(caller, updateContact, companyInputOf(contact.id, req.body ?? {}) as never)
      res.redirect(303, `/customers/${contact.id}?done=saved`)
    }),
  )

  router.get(
    '/customers/:id/referrals',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const contact = await contactOr404(caller, res, req.params.id)
      if (!contact) return
      const [chains] = (await callQuery(caller, referralsQuery, { params: { contact_id: contact.id } })).items
      sendOwnerPage(res, `Referrals: ${contact.display_name}`, referralsBody(chains))
    }),
  )

  return router
}

/** The customer of the address, or a 404 page (another business's customer included). */
async function contactOr404(caller: Caller, res: Response, id: string) {
  return (await readOrNotFound(res, MISSING_CUSTOMER, () => callQuery(caller, contactsQuery, { id }))) ?? undefined
}

/** A refusal as a page: what was wrong and the way back; nothing was written. */
function refused(res: Response, message: string, back: string, status = 400, title = 'Not added'): void {
  sendOwnerPage(res, title, html`<p><a href="${back}">Back</a></p>`, { status, error: `Nothing was changed. ${message}` })
}
