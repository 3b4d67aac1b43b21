import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { dayWords } from '../../../core/text/date-words.js'
import {
  createRecurringInvoice,
  endRecurringInvoice,
  pauseRecurringInvoice,
  resumeRecurringInvoice,
} from '../../../core/domains/recurring-invoices/actions.js'
import { CYCLE_WORDS, type RecurringInvoice } from '../../../core/domains/recurring-invoices/model.js'
import { recurringInvoicesQuery } from '../../../core/domains/recurring-invoices/queries.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { localDate } from '../../../core/vocabulary/time.js'
import {
  type BusinessFormat,
  businessFormat,
  doneLine,
  type FieldErrors,
  field,
  fieldErrorsOf,
  money,
  pageProblem,
  selectField,
  textArea,
  textField,
  typedNumber,
} from '../../form-kit.js'
import { form, html, type SafeHtml } from '../../html.js'
import { onceOf, postForm } from '../../technician/context.js'
import { customerChoice, customerSearch, pickCustomer } from '../contacts/customer-picker.js'
import { linesOf } from '../invoices/line-fields.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** Catalog lines the form offers; more lines are set up by the agent or the API. */
const CATALOG_LINES = 3

/** Lines of the owner's own words and price. */
const OWN_LINES = 2

/** What the pages may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  made: 'Set up. Its first invoice is made and emailed on its first day.',
  pause: 'Paused: no invoice is made until you resume it.',
  resume: 'Resumed: the next invoice is for the first period starting today or later.',
  end: 'Ended: no more invoices.',
}

/** Each status as the owner reads it. */
const STATUS_WORDS: Record<RecurringInvoice['status'], string> = { active: 'active', paused: 'paused', ended: 'ended' }

/** The fields of the new form, by the action's names. */
const FORM_FIELDS = ['line_items', 'cycle', 'starts_on', 'ends_on', 'due_days', 'notes']

/** The status actions the page offers, by the path step after the id. */
const STEPS = { pause: pauseRecurringInvoice, resume: resumeRecurringInvoice, end: endRecurringInvoice } as const

/** Recurring invoices: the list with a New form, and one recurring invoice with the invoices it issued and Pause, Resume, End. */
export function recurringInvoicePages(services: Services): Router {
  const router = Router()

  router.get(
    '/recurring-invoices',
    ownerRoute(services, async ({ req, res, session }) => {
      const text = (name: string) => (typeof req.query[name] === 'string' ? String(req.query[name]).trim().slice(0, 200) : '')
      await sendList(res, session, callerOf(services, session, res), {
        contactId: text('contact_id'),
        q: text('q'),
        ok: doneLine(req.query.done, DONE),
      })
    }),
  )

  router.post(
    '/recurring-invoices',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const values = req.body as Record<string, string>
      try {
        const made = await callAction(caller, createRecurringInvoice, inputOf(req.body) as never, { idempotencyKey: onceOf(req) })
        res.redirect(303, `/recurring-invoices/${encodeURIComponent((made.result as { id: string }).id)}?done=made`)
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        const errors = fieldErrorsOf(err, (path) => path.split('.')[0])
        await sendList(res, session, caller, {
          contactId: field(req.body, 'contact_id'),
          q: field(req.body, 'q'),
          error: pageProblem(errors, FORM_FIELDS).replace('Nothing was saved.', 'Nothing was set up.'),
          status: err.status,
          errors,
          values,
        })
      }
    }),
  )

  router.get(
    '/recurring-invoices/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      await sendOne(res, session, callerOf(services, session, res), String(req.params.id), { ok: doneLine(req.query.done, DONE) })
    }),
  )

  for (const [step, action] of Object.entries(STEPS)) {
    router.post(
      `/recurring-invoices/:id/${step}`,
      ownerRoute(services, async ({ req, res, session }) => {
        const caller = callerOf(services, session, res)
        const id = String(req.params.id)
        try {
          await callAction(caller, action, { recurring_invoice_id: id })
          res.redirect(303, `/recurring-invoices/${encodeURIComponent(id)}?done=${step}`)
        } catch (err) {
          if (!(err instanceof AppError)) throw err
          await sendOne(res, session, caller, id, { error: `Nothing was changed. ${err.message}`, status: err.status })
        }
      }),
    )
  }

  return router
}

/** The call the form makes: blanks left out, numbers typed as numbers, the lines as invoice.create takes them. */
function inputOf(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {
    contact_id: field(body, 'contact_id'),
    line_items: linesOf(body, CATALOG_LINES, OWN_LINES),
    cycle: field(body, 'cycle'),
    starts_on: field(body, 'starts_on'),
  }
  if (field(body, 'ends_on')) out.ends_on = field(body, 'ends_on')
  if (field(body, 'due_days')) out.due_days = typedNumber(body, 'due_days')
  if (field(body, 'notes')) out.notes = field(body, 'notes')
  return out
}

interface ListOptions {
  contactId: string
  q: string
  ok?: string
  error?: string
  status?: number
  errors?: FieldErrors
  values?: Record<string, string>
}

/** What one period costs, in words: "$264.00 a month". */
function perCycle(r: RecurringInvoice, format: BusinessFormat): string {
  return `${money(r.cycle_total_cents, { ...format, currency: r.currency })} a ${CYCLE_WORDS[r.cycle]}`
}

async function sendList(res: Response, session: SessionPrincipal, caller: Caller, opts: ListOptions) {
  const format = await businessFormat(caller)
  const all = (await callQuery(caller, recurringInvoicesQuery, { limit: 100 })).items
  const line = (r: RecurringInvoice) =>
    html`<li class="wrap"><a href="/recurring-invoices/${r.id}">${r.contact_name}</a> <span class="muted">${perCycle(r, format)}${
      r.status === 'active' ? ` · next invoice ${dayWords(r.next_issue_on)}` : ''
    } · ${STATUS_WORDS[r.status]}${r.customer_plan_id ? ' · billed by a plan' : ''}</span></li>`
  const running = all.filter((r) => r.status !== 'ended')
  const ended = all.filter((r) => r.status === 'ended')
  sendOwnerPage(
    res,
    'Recurring invoices',
    html`<p class="muted">Invoices that make themselves every month, quarter or year: each is dated the first day of its period, names the period on its lines, and is emailed to the customer (and charged to their saved card on its due date, when they have one).</p>
<p><a href="/invoices">All invoices</a></p>
${running.length ? html`<ul class="home">${running.map(line)}</ul>` : html`<p class="note">No recurring invoices yet.</p>`}${
  ended.length ? html`<h2>Ended</h2><ul class="home">${ended.map(line)}</ul>` : ''
}
<h2>New recurring invoice</h2>${await newForm(session, caller, format, opts)}`,
    opts,
  )
}

/** The customer search, then (once a customer is chosen or found) the lines, cycle, dates, due days and notes. */
async function newForm(session: SessionPrincipal, caller: Caller, format: BusinessFormat, opts: ListOptions): Promise<SafeHtml> {
  const pick = await pickCustomer(caller, opts.contactId, opts.q)
  const search = pick.chosen ? '' : customerSearch('/recurring-invoices', pick)
  if (!pick.chosen && !pick.matches.length) return html`${search}<p class="note">Find the customer it bills.</p>`
  const errors = opts.errors ?? new Map()
  const v = opts.values ?? {}
  const today = localDate(caller.services.now(), format.timezone)
  const catalog = (await callQuery(caller, servicesQuery, { limit: 100 })).items.filter(
    (s) => s.status === 'active' && s.price_cents !== null,
  )
  const options = (chosen: string) =>
    html`<option value="">(none)</option>${catalog.map(
      (s) =>
        html`<option value="${s.id}"${s.id === chosen ? html` selected` : ''}>${s.name} · ${money(Number(s.price_cents), format)}</option>`,
    )}`
  const catalogRows = Array.from(
    { length: CATALOG_LINES },
    (_, i) => html`<div class="row"><label>Service ${i + 1}<select name="service_${i}">${options(v[`service_${i}`] ?? '')}</select></label>
<label>Quantity<input name="quantity_${i}" type="number" min="1" max="10000" value="${v[`quantity_${i}`] || '1'}" inputmode="numeric"></label></div>`,
  )
  const ownRows = Array.from(
    { length: OWN_LINES },
    (
      _,
      i,
    ) => html`<div class="row"><label>Other work ${i + 1}<input name="description_${i}" maxlength="500" value="${v[`description_${i}`] ?? ''}"></label>
<label>Price<input name="price_${i}" inputmode="decimal" placeholder="0.00" value="${v[`price_${i}`] ?? ''}"></label></div>`,
  )
  const lineProblem = errors.get('line_items')
  const cycles = Object.entries(CYCLE_WORDS).map(([c, word]) => [c, `Every ${word}`] as const)
  return html`${search}${postForm(
    '/recurring-invoices',
    session,
    html`${customerChoice(pick, '/recurring-invoices')}
<fieldset><legend>What each invoice charges</legend>${catalogRows}${ownRows}${lineProblem ? html`<p class="err">${lineProblem}</p>` : ''}</fieldset>
${selectField('cycle', 'How often', v.cycle || 'monthly', cycles, errors)}
${textField('starts_on', 'First period starts on', v.starts_on || today, errors, html` type="date" required`)}
${textField('ends_on', 'No invoice for periods from (optional)', v.ends_on ?? '', errors, html` type="date"`)}
${textField('due_days', 'Due this many days after each period starts (default: your payment terms)', v.due_days ?? '', errors, html` inputmode="numeric"`)}
${textArea('notes', 'Notes on every invoice (optional)', v.notes ?? '', errors, 2)}
<button>Set up</button>`,
  )}`
}

async function sendOne(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  id: string,
  opts: { ok?: string; error?: string; status?: number },
) {
  const format = await businessFormat(caller)
  const r = await callQuery(caller, recurringInvoicesQuery, { id })
  const csrf = session.csrfToken
  const cents = (n: number) => money(n, { ...format, currency: r.currency })
  const lines = r.line_items.map(
    (l) =>
      html`<tr><td>${l.description}${l.quantity > 1 ? ` × ${l.quantity}` : ''}</td><td class="num">${cents(l.quantity * l.unit_price_cents)}</td></tr>`,
  )
  const button = (step: keyof typeof STEPS, words: string, cls = 'second') =>
    form(`/recurring-invoices/${r.id}/${step}`, csrf, html`<button class="small ${cls}">${words}</button>`)
  const controls = r.customer_plan_id
    ? html`<p class="note">Billed by the plan ${r.plan_name ? html`<b>${r.plan_name}</b>` : ''}: <a href="/customer-plans/${r.customer_plan_id}">change it on the plan</a>.</p>`
    : r.status === 'ended'
      ? ''
      : html`<div class="row">${r.status === 'active' ? button('pause', 'Pause') : button('resume', 'Resume', '')}${button('end', 'End', 'deny')}</div>`
  const invoices = [...r.invoices].reverse()
  sendOwnerPage(
    res,
    `Recurring invoice for ${r.contact_name}`,
    html`<p><a href="/recurring-invoices">All recurring invoices</a> · <a href="/customers/${r.contact_id}">${r.contact_name}</a></p>
<p class="total">${perCycle(r, format)} <span class="muted">(tax included) · ${STATUS_WORDS[r.status]}</span></p>
<table class="lines">${lines}</table>
<dl class="facts"><dt>First period</dt><dd>${dayWords(r.starts_on)}</dd>${
      r.ends_on ? html`<dt>No invoice for periods from</dt><dd>${dayWords(r.ends_on)}</dd>` : ''
    }${r.status === 'active' ? html`<dt>Next invoice</dt><dd>${dayWords(r.next_issue_on)}</dd>` : ''}<dt>Due</dt><dd>${
      r.due_days ? `${r.due_days} day${r.due_days === 1 ? '' : 's'} after each period starts` : 'on receipt'
    }</dd>${r.notes ? html`<dt>Notes</dt><dd>${r.notes}</dd>` : ''}</dl>
${controls}
<h2>Invoices issued</h2>${
      invoices.length
        ? html`<ul class="history">${invoices.map(
            (i) =>
              html`<li><a href="/invoices/${i.id}">${i.number}</a> <span class="muted">period from ${dayWords(i.period_start)} · ${i.status.replace('_', ' ')}${
                i.amount_due_cents ? ` · ${cents(i.amount_due_cents)} due` : ''
              }</span></li>`,
          )}</ul>`
        : html`<p class="note">None yet.</p>`
    }`,
    opts,
  )
}
