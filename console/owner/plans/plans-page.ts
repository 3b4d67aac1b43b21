import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { archivePlan, createPlan, updatePlan } from '../../../core/domains/plans/catalog-actions.js'
import { proposeCustomerPlan } from '../../../core/domains/plans/customer-plan-actions.js'
import type { Plan } from '../../../core/domains/plans/model.js'
import { customerPlansQuery, plansQuery } from '../../../core/domains/plans/queries.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { parseAmountCents } from '../../../core/vocabulary/money.js'
import { CYCLE_WORDS, CYCLES, planPriceWords } from '../../../core/vocabulary/plan-cycles.js'
import { localDate } from '../../../core/vocabulary/time.js'
import { amountRefused, businessFormat, checkField, doneLine, field, typedNumber } from '../../form-kit.js'
import { form, html, type SafeHtml } from '../../html.js'
import { customerChoice, customerSearch, pickCustomer } from '../contacts/customer-picker.js'
import { type Missing, readOrNull, sendNotFound } from '../not-found.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** What the pages may say after a change. */
const DONE: Record<string, string> = { made: 'The plan is in your catalog.', changed: 'Changed.', archived: 'It is sold no more.' }

/** Each cycle as the owner reads it. */
const CYCLE_CHOICES: Record<(typeof CYCLES)[number], string> = { monthly: 'Monthly', quarterly: 'Quarterly', yearly: 'Yearly' }

/** No plan by that id in the business. */
const MISSING: Missing = {
  title: 'Plan not found',
  sentence: 'There is no such plan in your catalog.',
  back: { href: '/plans', label: 'Service plans' },
}

/** The service plans of the catalog: each with who is on it; add one, change one, offer one to a customer, stop selling one. */
export function planPages(services: Services): Router {
  const router = Router()

  router.get(
    '/plans',
    ownerRoute(services, async ({ req, res, session }) => {
      await sendCatalog(res, session, callerOf(services, session, res), { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/plans',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      try {
        const made = await callAction(caller, createPlan, planInput(req.body) as never)
        res.redirect(303, `/plans/${(made.result as { id: string }).id}?done=made`)
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        await sendCatalog(res, session, caller, { error: `Nothing was saved. ${err.message}`, status: err.status })
      }
    }),
  )

  router.get(
    '/plans/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : ''
      const contactId = typeof req.query.contact_id === 'string' ? req.query.contact_id : ''
      await sendPlan(res, session, caller, String(req.params.id), { q, contactId, ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/plans/:id/:step',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const id = String(req.params.id)
      try {
        if (req.params.step === 'change') {
          const { includes: _i, ...rest } = planInput(req.body)
          await callAction(caller, updatePlan, { plan_id: id, ...rest } as never)
          return res.redirect(303, `/plans/${id}?done=changed`)
        }
        if (req.params.step === 'archive') {
          await callAction(caller, archivePlan, { plan_id: id })
          return res.redirect(303, `/plans/${id}?done=archived`)
        }
        if (req.params.step === 'offer') {
          const offered = await callAction(caller, proposeCustomerPlan, {
            plan_id: id,
            contact_id: field(req.body, 'contact_id'),
            starts_on: field(req.body, 'starts_on'),
            visit_time: field(req.body, 'visit_time') || '09:00',
          })
          return res.redirect(303, `/customer-plans/${(offered.result as { id: string }).id}?done=offered`)
        }
        return sendNotFound(res, MISSING)
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        await sendPlan(res, session, caller, id, { q: '', contactId: '', error: `Nothing was changed. ${err.message}`, status: err.status })
      }
    }),
  )

  return router
}

/** A plan form's fields as plan.create takes them; a price that is not an amount is refused naming its field. */
function planInput(body: unknown): Record<string, unknown> {
  const price = field(body, 'price')
  const cents = parseAmountCents(price)
  if (cents === null) throw amountRefused('price_cents', price)
  const services = field(body, 'service_id')
  return {
    name: field(body, 'name'),
    ...(field(body, 'description') ? { description: field(body, 'description') } : {}),
    includes: services ? [{ service_id: services, visits: typedNumber(body, 'visits') }] : [],
    price_cents: cents,
    cycle: field(body, 'cycle'),
    term_cycles: typedNumber(body, 'term_cycles'),
    renews: field(body, 'renews') === 'on',
  }
}

/** The catalog and the New plan form. */
async function sendCatalog(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  opts: { ok?: string; error?: string; status?: number },
) {
  const plans = (await callQuery(caller, plansQuery, { limit: 100 })).items as Plan[]
  const catalog = (await callQuery(caller, servicesQuery, { limit: 100 })).items as Array<{ id: string; name: string }>
  sendOwnerPage(
    res,
    'Service plans',
    html`<p class="muted">Plans your customers pay for each cycle, with their visits booked for them. <a href="/payments/failed">Failed payments</a></p>${
      plans.length
        ? plans.map(
            (p) =>
              html`<div class="card"><a href="/plans/${p.id}"><b>${p.name}</b></a><div>${planPriceWords(p)}</div><div class="muted">${includesWords(p)}</div></div>`,
          )
        : html`<p class="note">No plans yet.</p>`
    }<h2>New plan</h2>${form('/plans', session.csrfToken, planFields(null, catalog))}`,
    opts,
  )
}

/** What a plan includes, in words. */
function includesWords(p: Pick<Plan, 'includes' | 'cycle'>): string {
  const each = CYCLE_WORDS[p.cycle]
  return p.includes.map((i) => `${i.service_name}: ${i.visits} visit${i.visits === 1 ? '' : 's'} a ${each}`).join(' · ')
}

/** The fields of a plan, filled with one when changing it. */
function planFields(p: Plan | null, catalog: Array<{ id: string; name: string }>): SafeHtml {
  const include = p?.includes[0]
  const services = catalog.map((s) => html`<option value="${s.id}"${include?.service_id === s.id ? ' selected' : ''}>${s.name}</option>`)
  return html`<label>Name<input name="name" required maxlength="120" value="${p?.name ?? ''}"></label>
<label>What the customer reads about it<textarea name="description" rows="2" maxlength="2000">${p?.description ?? ''}</textarea></label>
${p ? '' : html`<div class="row"><label>Service<select name="service_id" required>${services}</select></label><label>Visits each cycle<input name="visits" type="number" min="1" max="31" value="1" class="n"></label></div>`}
<div class="row"><label>Price each cycle<input name="price" inputmode="decimal" required value="${p ? (p.price_cents / 100).toFixed(2) : ''}"></label>
<label>Cycle<select name="cycle">${CYCLES.map((c) => html`<option value="${c}"${p?.cycle === c ? ' selected' : ''}>${CYCLE_CHOICES[c]}</option>`)}</select></label></div>
<label>Cycles in a term<input name="term_cycles" type="number" min="1" max="120" value="${String(p?.term_cycles ?? 12)}" class="n"></label>
${checkField('renews', 'Renews when its term ends', p?.renews ?? true)}<button>${p ? 'Save' : 'Add the plan'}</button>`
}

/** One plan: its terms, who is on it, Change, Offer to a customer and Stop selling. */
async function sendPlan(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  id: string,
  opts: { q: string; contactId: string; ok?: string; error?: string; status?: number },
) {
  const plan = await readOrNull(id, async () => (await callQuery(caller, plansQuery, { id })) as Plan)
  if (!plan) return sendNotFound(res, MISSING)
  const on = (await callQuery(caller, customerPlansQuery, { params: { plan_id: id }, limit: 100 })).items
  const catalog = (await callQuery(caller, servicesQuery, { limit: 100 })).items as Array<{ id: string; name: string }>
  const format = await businessFormat(caller)
  const pick = await pickCustomer(caller, opts.contactId, opts.q)
  const csrf = session.csrfToken
  const base = `/plans/${id}`
  const today = localDate(new Date(), format.timezone)
  const offer = plan.archived_at
    ? html``
    : html`<h2>Offer it to a customer</h2>${pick.chosen ? '' : customerSearch(base, pick)}${
        pick.chosen || pick.matches.length
          ? form(
              `${base}/offer`,
              csrf,
              html`${customerChoice(pick, base)}<div class="row"><label>First day<input name="starts_on" type="date" required value="${today}"></label><label>Visits at<input name="visit_time" type="time" value="09:00"></label></div><button>Offer the plan</button>`,
            )
          : ''
      }`
  sendOwnerPage(
    res,
    plan.name,
    html`<p><a href="/plans">Service plans</a></p><div class="card"><div>${planPriceWords(plan)}</div><div class="muted">${includesWords(plan)}</div>${
      plan.description ? html`<p>${plan.description}</p>` : ''
    }${plan.archived_at ? html`<p class="note">No longer sold.</p>` : ''}</div>
<h2>Customers on it</h2>${
      on.length
        ? html`<ul>${on.map((c) => html`<li><a href="/customer-plans/${c.id}">${c.customer_name}</a>: ${c.status}</li>`)}</ul>`
        : html`<p class="note">Nobody yet.</p>`
    }${offer}${
      plan.archived_at
        ? ''
        : html`<details><summary>Change</summary><p class="muted">Customers already on it keep the terms they bought.</p>${form(`${base}/change`, csrf, planFields(plan, catalog))}</details>${form(
            `${base}/archive`,
            csrf,
            html`<button class="alt">Stop selling it</button>`,
          )}`
    }`,
    opts,
  )
}
