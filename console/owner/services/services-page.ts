import { Router, type Response } from 'express'
import type { z } from 'zod'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery, callQueryAll } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { archiveService, createService, updateService } from '../../../core/domains/services/actions.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { validationError } from '../../../core/kernel/errors.js'
import { form, html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { type Missing, readOrNotFound } from '../not-found.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import {
  TOP_FIELD,
  amountRefused,
  businessFormat,
  doneLine,
  field,
  fieldError,
  fieldErrorsOf,
  money,
  type BusinessFormat,
} from '../../form-kit.js'
import { parseAmountCents } from '../../../core/vocabulary/money.js'

type Service = z.output<typeof servicesQuery.record>

/** How each pricing kind is described on the page. */
const PRICING: Record<string, string> = { fixed: 'fixed price', flexible: 'priced per job', per_unit: 'per unit', product: 'product' }

/** What the catalog page may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  created: 'Service added.',
  saved: 'Changes saved.',
  archived: 'Service archived: it is no longer offered.',
}

/** The service form as typed. */
interface ServiceTyped {
  name: string
  description: string
  pricing: string
  price: string
  unit_name: string
  duration: string
  taxable: boolean
  bookable: boolean
}

const BLANK: ServiceTyped = {
  name: '',
  description: '',
  pricing: 'fixed',
  price: '',
  unit_name: '',
  duration: '',
  taxable: true,
  bookable: false,
}

/** The owner's catalog of services and products: list, add, edit and archive, with each refused field's problem next to it. */
export function servicesPages(services: Services): Router {
  const router = Router()

  router.get(
    '/services',
    ownerRoute(services, async ({ req, res, session }) => {
      await showCatalog(services, session, res, req.query.status === 'archived' ? 'archived' : 'active', BLANK, {
        ok: doneLine(req.query.done, DONE),
      })
    }),
  )

  router.post(
    '/services',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const typed = typedFromBody(req.body)
      onError((err) => {
        return showCatalog(services, session, res, 'active', typed, {
          status: err.status,
          error: `The service was not added. ${err.message}`,
          problems: fieldErrorsOf(err, TOP_FIELD),
        })
      })
      await callAction(callerOf(services, session, res), createService, serviceInput(typed))
      res.redirect(303, '/services?done=created')
    }),
  )

  router.get(
    '/services/:id/edit',
    ownerRoute(services, async ({ req, res, session }) => {
      const service = await readService(callerOf(services, session, res), req.params.id, res)
      if (!service) return
      sendOwnerPage(res, `Edit ${service.name}`, editForm(service, typedFromService(service), new Map(), session.csrfToken))
    }),
  )

  router.post(
    '/services/:id/edit',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const typed = typedFromBody(req.body)
      onError(async (err) => {
        const service = await readService(caller, req.params.id, res)
        if (!service) return
        return sendOwnerPage(res, `Edit ${service.name}`, editForm(service, typed, fieldErrorsOf(err, TOP_FIELD), session.csrfToken), {
          status: err.status,
          error: `Nothing was changed. ${err.message}`,
        })
      })
      await callAction(caller, updateService, { service_id: req.params.id, ...serviceInput(typed) })
      res.redirect(303, '/services?done=saved')
    }),
  )

  router.post(
    '/services/:id/archive',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      onError((err) => {
        return sendOwnerPage(res, 'Services', html`<p><a href="/services">Back to the catalog</a></p>`, {
          status: err.status,
          error: `Nothing was changed. ${err.message}`,
        })
      })
      await callAction(callerOf(services, session, res), archiveService, { service_id: req.params.id })
      res.redirect(303, '/services?done=archived')
    }),
  )

  return router
}

function typedFromBody(body: unknown): ServiceTyped {
  return {
    name: field(body, 'name'),
    description: field(body, 'description'),
    pricing: field(body, 'pricing'),
    price: field(body, 'price'),
    unit_name: field(body, 'unit_name'),
    duration: field(body, 'duration'),
    taxable: field(body, 'taxable') === '1',
    bookable: field(body, 'bookable') === '1',
  }
}

function typedFromService(s: Service): ServiceTyped {
  return {
    name: s.name,
    description: s.description ?? '',
    pricing: s.pricing,
    price: s.price_cents === null ? '' : (s.price_cents / 100).toFixed(2),
    unit_name: s.unit_name ?? '',
    duration: s.default_duration_minutes === null ? '' : String(s.default_duration_minutes),
    taxable: s.taxable,
    bookable: s.bookable,
  }
}

/** The action's fields from the form: a blank optional field is null; amounts and minutes the page cannot read are refused by field. */
function serviceInput(typed: ServiceTyped) {
  const cents = typed.price ? parseAmountCents(typed.price) : null
  if (typed.price && cents === null) throw amountRefused('price_cents', typed.price)
  if (typed.duration && !/^-?\d+$/.test(typed.duration)) {
    throw validationError([
      { field: 'data.default_duration_minutes', message: `expected whole minutes such as 60, not "${typed.duration}"` },
    ])
  }
  return {
    name: typed.name,
    description: typed.description || null,
    pricing: typed.pricing as 'fixed',
    price_cents: cents,
    unit_name: typed.unit_name || null,
    default_duration_minutes: typed.duration ? Number(typed.duration) : null,
    taxable: typed.taxable,
    bookable: typed.bookable,
  }
}

async function readService(caller: Caller, id: string, res: Response): Promise<Service | null> {
  return readOrNotFound(res, MISSING_SERVICE, () => callQuery(caller, servicesQuery, { id }))
}

/** No service by that id in the business's catalog. */
const MISSING_SERVICE: Missing = {
  title: 'Service not found',
  sentence: 'There is no such service in your catalog.',
  back: { href: '/services', label: 'The catalog' },
}

/** The catalog (active or archived) and the form to add a service, as typed when it was refused. */
async function showCatalog(
  services: Services,
  session: SessionPrincipal,
  res: Response,
  status: 'active' | 'archived',
  typed: ServiceTyped,
  opts: { status?: number; ok?: string; error?: string; problems?: Map<string, string> },
): Promise<void> {
  const caller = callerOf(services, session, res)
  const format = await businessFormat(caller)
  const list = await callQueryAll(caller, servicesQuery, { params: { status } })
  const cards = list.map(
    (s) => html`<div class="card"><b>${s.name}</b>${s.status === 'archived' ? html` <span class="muted">archived</span>` : ''}
<p class="note">${describe(s, format)}</p>${s.description ? html`<p>${s.description}</p>` : ''}${
      s.status === 'active'
        ? html`<div class="row"><a href="/services/${s.id}/edit" aria-label="Edit ${s.name}">Edit</a>${form(
            `/services/${s.id}/archive`,
            session.csrfToken,
            html`<button class="small deny" aria-label="Archive ${s.name}">Archive</button>`,
          )}</div>`
        : ''
    }</div>`,
  )
  const body = html`<nav aria-label="Catalog" class="tabs"><a href="/services"${status === 'active' ? html` aria-current="page"` : ''}>Offered</a><a href="/services?status=archived"${
    status === 'archived' ? html` aria-current="page"` : ''
  }>Archived</a></nav>${cards.length ? cards : html`<p class="note">No services here.</p>`}
<h2>Add a service</h2>${form('/services', session.csrfToken, html`${serviceFields(typed, opts.problems ?? new Map())}<button>Add service</button>`)}`
  sendOwnerPage(res, 'Services', body, { status: opts.status, ok: opts.ok, error: opts.error })
}

/** Pricing, price, unit, duration and tax of a service in words. */
function describe(s: Service, format: BusinessFormat): string {
  const price =
    s.price_cents === null
      ? 'no set price'
      : `${money(s.price_cents, format)}${s.pricing === 'per_unit' ? ` per ${s.unit_name}` : ''}${s.pricing === 'flexible' ? ' suggested' : ''}`
  return `${PRICING[s.pricing]} · ${price}${s.default_duration_minutes ? ` · ${s.default_duration_minutes} min` : ''} · ${s.taxable ? 'taxable' : 'no tax'}${s.bookable ? ' · on the request form' : ''}`
}

function editForm(service: Service, typed: ServiceTyped, problems: Map<string, string>, csrf: string): SafeHtml {
  return html`${form(`/services/${service.id}/edit`, csrf, html`${serviceFields(typed, problems)}<button>Save changes</button>`)}<p><a href="/services">Back to the catalog</a></p>`
}

/** The service form's inputs, each with the action's complaint about it. */
function serviceFields(typed: ServiceTyped, problems: Map<string, string>): SafeHtml {
  return html`<label>Name<input name="name" required maxlength="200" value="${typed.name}">${fieldError(problems, 'name', 'inline')}</label>
<label>Pricing<select name="pricing">${Object.entries(PRICING).map(([k, words]) => html`<option value="${k}"${typed.pricing === k ? html` selected` : ''}>${words}</option>`)}</select>${fieldError(
    problems,
    'pricing',
    'inline',
  )}</label>
<label>Price ($; per unit for per-unit pricing)<input name="price" inputmode="decimal" value="${typed.price}">${fieldError(problems, 'price_cents', 'inline')}</label>
<label>Unit (per-unit pricing only, e.g. screen)<input name="unit_name" maxlength="50" value="${typed.unit_name}">${fieldError(problems, 'unit_name', 'inline')}</label>
<label>Minutes it takes<input name="duration" inputmode="numeric" value="${typed.duration}">${fieldError(problems, 'default_duration_minutes', 'inline')}</label>
<label class="c"><input type="checkbox" name="taxable" value="1"${typed.taxable ? html` checked` : ''}>Taxable</label>
<label class="c"><input type="checkbox" name="bookable" value="1"${typed.bookable ? html` checked` : ''}>Customers may ask for it on the request form</label>
<label>Description (optional)<textarea name="description" maxlength="2000">${typed.description}</textarea>${fieldError(problems, 'description', 'inline')}</label>`
}
