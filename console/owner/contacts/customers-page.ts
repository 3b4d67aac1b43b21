import { Router, type Response } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { addAddress, updateAddress } from '../../../core/domains/addresses/actions.js'
import { locateAddress, pinAddress } from '../../../core/domains/geocoding/pin-actions.js'
import { pinInputOf } from './address-pin.js'
import { archiveContact, createContact, updateContact } from '../../../core/domains/contacts/actions.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { addNote } from '../../../core/domains/notes/actions.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { settingsQuery } from '../../../core/domains/settings/queries.js'
import { createTicket } from '../../../core/domains/tickets/actions.js'
import { availabilityQuery } from '../../../core/domains/tickets/availability.js'
import { usersQuery } from '../../../core/domains/users/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { localDate } from '../../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../../html.js'
import {
  bookingForm,
  BOOKING_FIELDS,
  bookingProblems,
  bookingValuesOf,
  freeTimes,
  ticketInput,
  type BookingValues,
} from './customer-booking.js'
import { customerBody, loadCustomer } from './customer-detail.js'
import { customFieldInputs, customFieldsSent, fieldsFor } from '../custom-fields/custom-field-views.js'
import {
  addressAddInput,
  addressForm,
  addressUpdateInput,
  createInput,
  customerForm,
  updateInput,
  valuesOfAddress,
  valuesOfBody,
  valuesOfContact,
  type CustomerFormValues,
} from './customer-form.js'
import { contactParams, customerRow, filterForm, filterQuery, filtersOf } from './customer-list.js'
import { sendOwnerPage } from '../owner-page.js'
import { isUuid } from '../../../core/kernel/schema-types.js'
import { ownerRoute } from '../owner-route.js'
import { doneLine, field, type FieldErrors, fieldErrorsOf } from '../../form-kit.js'

/** The status lines shown after a change; the query string only picks one, never supplies its text. */
const DONE: Record<string, string> = {
  created: 'Customer added.',
  saved: 'Changes saved.',
  address: 'Address saved.',
  note: 'Note added.',
  archived: 'Customer archived.',
  restored: 'Customer restored.',
  email: 'Email scheduled; it shows under Emails below and on the Emails page.',
  logged: 'Logged.',
  followed_up: 'Follow-up marked done.',
  fields: 'Custom fields saved.',
  linked: 'Relationship saved.',
  uploaded: 'File uploaded.',
  pinned: 'Pin placed.',
  locating: 'The address is looked up again in the background.',
  card_asked: 'The customer is emailed a link to save a card.',
}

type Contact = Awaited<ReturnType<typeof readContact>>

async function readContact(caller: Caller, id: string) {
  return callQuery(caller, contactsQuery, { id, include: ['addresses'] })
}

/** The other customer a CONFLICT from contact.create or contact.update names, and by which of their details. */
function duplicateOf(err: AppError): { id: string; display_name: string; by: string } | undefined {
  if (err.code !== 'CONFLICT') return undefined
  const existing = err.details?.existing as { id: string; display_name: string } | undefined
  const matched = err.details?.matched as { field: string } | undefined
  return existing ? { id: existing.id, display_name: existing.display_name, by: matched?.field ?? 'email or phone' } : undefined
}

/** The owner's customers: the list with filters, a customer's page, new and edit forms, booking a visit, notes and archiving. */
export function customersPages(services: Services): Router {
  const router = Router()
  const callerOf = (res: Response, session: SessionPrincipal): Caller => ({
    services,
    principal: session,
    requestId: stateOf(res).requestId,
  })
  const settingsOf = async (caller: Caller) => (await callQuery(caller, settingsQuery, { limit: 1 })).items[0]

  /** The customer the path names, or a 404 page: a malformed id, another business's or a missing one are all "not found". */
  async function contactOr404(res: Response, caller: Caller, id: string): Promise<Contact | null> {
    try {
      if (!isUuid(id)) throw new AppError('NOT_FOUND', 'no such customer')
      return await readContact(caller, id)
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'NOT_FOUND') throw err
      sendOwnerPage(res, 'Customer not found', html`<p>There is no such customer.</p><p><a href="/customers">All customers</a></p>`, {
        status: 404,
      })
      return null
    }
  }

  function failed(res: Response, title: string, err: unknown, back: string): void {
    if (!(err instanceof AppError)) throw err
    sendOwnerPage(res, title, html`<p><a href="${back}">Back</a></p>`, { status: err.status, error: `Nothing was changed. ${err.message}` })
  }

  router.get(
    '/customers',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(res, session)
      const filters = filtersOf(req.query)
      const cursor = typeof req.query.cursor === 'string' && req.query.cursor ? req.query.cursor : undefined
      const tz = (await settingsOf(caller)).timezone
      onError((err) => {
        return sendOwnerPage(res, 'Customers', html`${filterForm(filters)}<p><a href="/customers">Start again</a></p>`, {
          status: err.status,
          error: err.message,
        })
      })
      const page = await callQuery(caller, contactsQuery, {
        params: contactParams(filters) as never,
        include: ['addresses', 'visits'],
        limit: 25,
        cursor,
      })
      const body = html`<p><a class="button" href="/customers/new">New customer</a> <a href="/partners">Partners</a></p>${filterForm(filters)}
${page.items.length ? html`<ul class="customers">${page.items.map((c) => customerRow(c, tz))}</ul>` : html`<p class="muted">No customers match.</p>`}
${
  cursor || page.next_cursor
    ? html`<p class="row pager">${cursor ? html`<a href="${`/customers?${filterQuery(filters)}`}">First page</a>` : ''}${
        page.next_cursor ? html`<a href="${`/customers?${filterQuery(filters, { cursor: page.next_cursor })}`}">Next page</a>` : ''
      }</p>`
    : ''
}`
      sendOwnerPage(res, 'Customers', body, { ok: doneLine(req.query.done, DONE) })
    }),
  )

  const sendNew = async (
    res: Response,
    session: SessionPrincipal,
    values: CustomerFormValues,
    errors: FieldErrors,
    extra: { status?: number; error?: string; duplicate?: SafeHtml; custom?: Record<string, unknown> } = {},
  ) => {
    const { live } = await fieldsFor(callerOf(res, session), 'contact')
    const custom = customFieldInputs(live, extra.custom ?? {}, errors, (d) =>
      d.applies_to === 'person' ? ' (people only)' : d.applies_to === 'organization' ? ' (companies only)' : '',
    )
    sendOwnerPage(
      res,
      'New customer',
      customerForm({
        action: '/customers/new',
        csrf: session.csrfToken,
        values,
        errors,
        withAddress: true,
        duplicate: extra.duplicate,
        submit: 'Add customer',
        custom,
      }),
      { status: extra.status, error: extra.error },
    )
  }

  router.get(
    '/customers/new',
    ownerRoute(services, async ({ res, session }) => {
      await sendNew(res, session, { kind: 'person' }, new Map())
    }),
  )

  router.post(
    '/customers/new',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const values = valuesOfBody(req.body ?? {})
      const kind = values.kind === 'organization' ? 'organization' : 'person'
      const { live } = await fieldsFor(callerOf(res, session), 'contact', kind)
      const custom = customFieldsSent(live, req.body, {})
      onError(async (err) => {
        const existing = err.code === 'CONFLICT' ? (err.details?.existing as { id: string; display_name: string } | undefined) : undefined
        const duplicate = existing
          ? html`<p>${err.message.split(';')[0]}. <a href="${`/customers/${existing.id}`}">Open ${existing.display_name}</a></p>`
          : undefined
        await sendNew(res, session, values, fieldErrorsOf(err), {
          status: err.status,
          duplicate,
          custom,
          error: `Nothing was saved. ${existing ? 'Another customer has this email or phone.' : 'Check the fields marked below.'}`,
        })
      })
      // The form's words go to the action as typed (`as never`): its own schema checks them and names each wrong field.
      const created = await callAction(callerOf(res, session), createContact, {
        ...createInput(values),
        ...(Object.keys(custom).length ? { custom_fields: custom } : {}),
      } as never)
      res.redirect(303, `/customers/${(created.result as { id: string }).id}?done=created`)
    }),
  )

  router.get(
    '/customers/:id',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(res, session)
      const contact = await contactOr404(res, caller, req.params.id)
      if (!contact) return
      // A customer merged into another lives on as that one.
      if (contact.merged) return res.redirect(303, `/customers/${contact.merged.into.id}`)
      const tz = (await settingsOf(caller)).timezone
      const historyCursor = typeof req.query.history === 'string' && req.query.history ? req.query.history : undefined
      onError((err) => {
        return sendOwnerPage(res, contact.display_name, html`<p><a href="${`/customers/${contact.id}`}">Start again</a></p>`, {
          status: err.status,
          error: err.message,
        })
      })
      const data = await loadCustomer(caller, contact.id, tz, historyCursor)
      sendOwnerPage(res, contact.display_name, customerBody(data, { timeZone: tz, csrf: session.csrfToken, historyCursor, session }), {
        ok: doneLine(req.query.done, DONE),
      })
    }),
  )

  function sendEdit(
    res: Response,
    session: SessionPrincipal,
    contact: Contact,
    opts: {
      values?: CustomerFormValues
      errors?: FieldErrors
      addressId?: string
      addressValues?: CustomerFormValues
      addressErrors?: FieldErrors
      status?: number
      error?: string
      ok?: string
      duplicate?: SafeHtml
    } = {},
  ) {
    const base = `/customers/${contact.id}`
    const none: FieldErrors = new Map()
    const addressForms = (contact.addresses ?? []).map((a) =>
      addressForm({
        action: `${base}/addresses/${a.id}`,
        csrf: session.csrfToken,
        values: opts.addressId === a.id && opts.addressValues ? opts.addressValues : valuesOfAddress(a),
        errors: opts.addressId === a.id ? (opts.addressErrors ?? none) : none,
        submit: 'Save this address',
        legend: a.label ?? a.line1,
      }),
    )
    const adding = opts.addressId === 'new'
    sendOwnerPage(
      res,
      `Edit ${contact.display_name}`,
      html`<p><a href="${base}">Back to ${contact.display_name}</a></p>
${customerForm({
  action: `${base}/edit`,
  csrf: session.csrfToken,
  values: opts.values ?? valuesOfContact(contact),
  errors: opts.errors ?? none,
  withAddress: false,
  duplicate: opts.duplicate,
  submit: 'Save changes',
})}
<h2>Addresses</h2>${addressForms}
${addressForm({
  action: `${base}/addresses`,
  csrf: session.csrfToken,
  values: adding ? (opts.addressValues ?? {}) : {},
  errors: adding ? (opts.addressErrors ?? none) : none,
  submit: 'Add this address',
  legend: 'Another address',
})}`,
      { status: opts.status, error: opts.error, ok: opts.ok },
    )
  }

  router.get(
    '/customers/:id/edit',
    ownerRoute(services, async ({ req, res, session }) => {
      const contact = await contactOr404(res, callerOf(res, session), req.params.id)
      if (contact) sendEdit(res, session, contact, { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/customers/:id/edit',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(res, session)
      const contact = await contactOr404(res, caller, req.params.id)
      if (!contact) return
      const values = valuesOfBody(req.body ?? {})
      onError((err) => {
        // contact.update refuses another customer's email or phone unless allow_duplicate: the form offers to save anyway.
        const other = duplicateOf(err)
        if (other) {
          return sendEdit(res, session, contact, {
            values,
            status: err.status,
            error: 'Nothing was saved. Another customer has this email or phone.',
            duplicate: html`<p>${other.display_name} already has this ${other.by}. <a href="${`/customers/${other.id}`}">Open ${other.display_name}</a></p>`,
          })
        }
        return sendEdit(res, session, contact, {
          values,
          errors: fieldErrorsOf(err),
          status: err.status,
          error: `Nothing was saved. ${err.message}`,
        })
      })
      await callAction(caller, updateContact, updateInput(contact.id, values) as never)
      res.redirect(303, `/customers/${contact.id}?done=saved`)
    }),
  )

  router.post(
    '/customers/:id/addresses{/:addressId}',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(res, session)
      const contact = await contactOr404(res, caller, req.params.id)
      if (!contact) return
      const addressId = req.params.addressId
      // An address of another customer is not this page's to change.
      if (addressId && !(contact.addresses ?? []).some((a) => a.id === addressId)) {
        return sendOwnerPage(res, 'Address not found', html`<p><a href="${`/customers/${contact.id}/edit`}">Back</a></p>`, { status: 404 })
      }
      const values = valuesOfBody(req.body ?? {})
      onError((err) => {
        const errors = new Map([...fieldErrorsOf(err)].map(([k, v]) => [k.startsWith('address.') ? k : `address.${k}`, v]))
        return sendEdit(res, session, contact, {
          addressId: addressId ?? 'new',
          addressValues: values,
          addressErrors: errors,
          status: err.status,
          error: `The address was not saved. ${err.message}`,
        })
      })
      if (addressId) await callAction(caller, updateAddress, addressUpdateInput(addressId, values) as never)
      else await callAction(caller, addAddress, addressAddInput(contact.id, values) as never)
      res.redirect(303, `/customers/${contact.id}/edit?done=address`)
    }),
  )

  router.post(
    '/customers/:id/notes',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(res, session)
      const contact = await contactOr404(res, caller, req.params.id)
      if (!contact) return
      try {
        await callAction(caller, addNote, { contact_id: contact.id, content: field(req.body, 'content') })
      } catch (err) {
        return failed(res, contact.display_name, err, `/customers/${contact.id}`)
      }
      res.redirect(303, `/customers/${contact.id}?done=note`)
    }),
  )

  for (const [step, action, done] of [
    ['pin', pinAddress, 'pinned'],
    ['locate', locateAddress, 'locating'],
  ] as const)
    router.post(
      `/customers/:id/addresses/:addressId/${step}`,
      ownerRoute(services, async ({ req, res, session }) => {
        const caller = callerOf(res, session)
        const contact = await contactOr404(res, caller, req.params.id)
        if (!contact) return
        const address = (contact.addresses ?? []).find((a) => a.id === req.params.addressId)
        if (!address)
          return failed(
            res,
            contact.display_name,
            new AppError('NOT_FOUND', 'No such address of this customer'),
            `/customers/${contact.id}`,
          )
        try {
          const input = step === 'pin' ? pinInputOf(address.id, req.body) : { address_id: address.id }
          await callAction(caller, action, input as never)
        } catch (err) {
          return failed(res, contact.display_name, err, `/customers/${contact.id}`)
        }
        res.redirect(303, `/customers/${contact.id}?done=${done}`)
      }),
    )

  for (const change of ['archive', 'restore'] as const)
    router.post(
      `/customers/:id/${change}`,
      ownerRoute(services, async ({ req, res, session }) => {
        const caller = callerOf(res, session)
        const contact = await contactOr404(res, caller, req.params.id)
        if (!contact) return
        const archive = change === 'archive'
        try {
          if (archive) await callAction(caller, archiveContact, { contact_id: contact.id })
          else await callAction(caller, updateContact, { contact_id: contact.id, status: 'active' })
        } catch (err) {
          return failed(res, contact.display_name, err, `/customers/${contact.id}`)
        }
        res.redirect(303, `/customers/${contact.id}?done=${archive ? 'archived' : 'restored'}`)
      }),
    )

  async function sendBook(
    res: Response,
    session: SessionPrincipal,
    contact: Contact,
    values: BookingValues,
    opts: { errors?: FieldErrors; status?: number; error?: string; custom?: Record<string, unknown> } = {},
  ) {
    const caller = callerOf(res, session)
    const base = `/customers/${contact.id}/book`
    const { live } = await fieldsFor(caller, 'ticket')
    const settings = await settingsOf(caller)
    const [catalog, team] = await Promise.all([
      callQuery(caller, servicesQuery, { limit: 100 }),
      callQuery(caller, usersQuery, { limit: 100 }),
    ])
    let slots: SafeHtml
    try {
      const free = await callQuery(caller, availabilityQuery, {
        params: { from: values.date, to: values.date, contact_id: contact.id, duration_minutes: Number(values.duration) || 60 },
        include: ['technician'],
        limit: 100,
      })
      slots = freeTimes(base, values, free.items)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      slots = html`<p class="muted">Free times cannot be shown: ${err.message}</p>`
    }
    sendOwnerPage(
      res,
      `Book a visit for ${contact.display_name}`,
      html`<p><a href="${`/customers/${contact.id}`}">Back to ${contact.display_name}</a></p>
<form method="get" action="${base}" class="card"><div class="row"><label>Free times on<input type="date" name="date" value="${values.date}"></label>
<label>Minutes<input type="number" name="duration" min="5" max="720" step="5" value="${values.duration}"></label></div><button class="second">Show free times</button></form>
${slots}
${bookingForm({
  action: base,
  csrf: session.csrfToken,
  values,
  errors: opts.errors ?? new Map(),
  currency: settings.currency,
  addresses: contact.addresses ?? [],
  services: catalog.items,
  team: team.items.map((u) => ({ id: u.id, name: u.name || u.email })),
  custom: customFieldInputs(live, opts.custom ?? {}, opts.errors ?? new Map()),
})}`,
      { status: opts.status, error: opts.error },
    )
  }

  router.get(
    '/customers/:id/book',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(res, session)
      const contact = await contactOr404(res, caller, req.params.id)
      if (!contact) return
      const tz = (await settingsOf(caller)).timezone
      const values = bookingValuesOf(req.query, { date: localDate(services.now(), tz), address_id: contact.addresses?.[0]?.id ?? '' })
      if (!/^\d{4}-\d\d-\d\d$/.test(values.date)) values.date = localDate(services.now(), tz)
      await sendBook(res, session, contact, values)
    }),
  )

  router.post(
    '/customers/:id/book',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(res, session)
      const contact = await contactOr404(res, caller, req.params.id)
      if (!contact) return
      const values = bookingValuesOf(req.body ?? {}, { date: '', address_id: '' })
      const problems = bookingProblems(values)
      if (problems.size) {
        return sendBook(
          res,
          session,
          contact,
          { ...values, date: problems.has('date') ? localDate(services.now(), (await settingsOf(caller)).timezone) : values.date },
          { errors: problems, status: 400, error: 'Nothing was booked. Check the fields marked below.' },
        )
      }
      const custom = customFieldsSent((await fieldsFor(caller, 'ticket')).live, req.body, {})
      onError((err) => {
        return sendBook(res, session, contact, values, {
          errors: fieldErrorsOf(err, BOOKING_FIELDS),
          status: err.status,
          error: `Nothing was booked. ${err.message}`,
          custom,
        })
      })
      const ticket: { id: string } = (
        await callAction(caller, createTicket, {
          ...ticketInput(contact.id, values),
          ...(Object.keys(custom).length ? { custom_fields: custom } : {}),
        } as never)
      ).result as { id: string }
      res.redirect(303, `/tickets/${ticket.id}?done=booked`)
    }),
  )

  return router
}
