import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { createReachOutRule, setReachOutPeriod, turnOffReachOutRule, turnOnReachOutRule } from '../../../core/domains/reach-outs/actions.js'
import { dismissReachOutBatch, sendReachOutBatch } from '../../../core/domains/reach-outs/batch-actions.js'
import type { TRIGGERS } from '../../../core/domains/reach-outs/model.js'
import { SKIP_WORDS } from '../../../core/domains/reach-outs/preview.js'
import {
  reachOutBatchesQuery,
  reachOutPreviewQuery,
  reachOutRulesQuery,
  reachOutSettingsQuery,
} from '../../../core/domains/reach-outs/queries.js'
import { templatesQuery } from '../../../core/domains/messages/queries.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import {
  checkField,
  doneLine,
  field,
  fieldErrorsOf,
  type FieldErrors,
  pageProblem,
  selectField,
  textArea,
  textField,
  typedNumber,
} from '../../form-kit.js'
import { form, html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { onceOf, postForm } from '../../technician/context.js'

/** What the page may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  made: 'Rule added, off. Check who it would email below, then turn it on.',
  on: 'Turned on: it runs each day from 9:00.',
  off: 'Turned off.',
  sent: 'Sent: each email is on its customer’s timeline.',
  dismissed: 'Dismissed: nobody in it was emailed.',
  period: 'Saved.',
}

/** Each trigger as the form offers it. */
const TRIGGER_WORDS: Record<(typeof TRIGGERS)[number], string> = {
  no_visit: 'No visit in some months',
  service_due: 'Last visit of one service some months ago',
  neighborhood_drop: "Their neighborhood's visits fell against last year",
  season_end: 'A season ends (a date each year)',
}

/** The fields of the new rule form, by the action's names. */
const RULE_FORM_FIELDS = [
  'name',
  'trigger',
  'months',
  'service_id',
  'drop_percent',
  'season_end',
  'template_id',
  'subject',
  'body',
  'daily_cap',
]

/** Reach-outs: the rules that find customers due for an email each day, their batches waiting, and who each would email. */
export function reachOutsPages(services: Services): Router {
  const router = Router()

  router.get(
    '/reach-outs',
    ownerRoute(services, async ({ req, res, session }) => {
      await sendList(res, session, callerOf(services, session, res), { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/reach-outs',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const given = ruleFromForm(req.body)
      try {
        const made = await callAction(caller, createReachOutRule, given as never, { idempotencyKey: onceOf(req) })
        res.redirect(303, `/reach-outs/${(made.result as { id: string }).id}?done=made`)
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        const errors = fieldErrorsOf(err)
        await sendList(res, session, caller, {
          error: `The rule was not added. ${pageProblem(errors, RULE_FORM_FIELDS)}`,
          status: err.status,
          errors,
          values: req.body as Record<string, string>,
        })
      }
    }),
  )

  router.post(
    '/reach-outs/period',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      await act(res, session, caller, '/reach-outs?done=period', () =>
        callAction(caller, setReachOutPeriod, { days: typedNumber(req.body, 'days') } as never),
      )
    }),
  )

  for (const [step, action, done] of [
    ['send', sendReachOutBatch, 'sent'],
    ['dismiss', dismissReachOutBatch, 'dismissed'],
  ] as const) {
    router.post(
      `/reach-outs/batches/:id/${step}`,
      ownerRoute(services, async ({ req, res, session }) => {
        const caller = callerOf(services, session, res)
        await act(res, session, caller, `/reach-outs?done=${done}`, () => callAction(caller, action, { batch_id: req.params.id }))
      }),
    )
  }

  router.get(
    '/reach-outs/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      await sendRule(res, session, callerOf(services, session, res), req.params.id, { ok: doneLine(req.query.done, DONE) })
    }),
  )

  for (const step of ['on', 'off'] as const) {
    router.post(
      `/reach-outs/:id/${step}`,
      ownerRoute(services, async ({ req, res, session }) => {
        const caller = callerOf(services, session, res)
        const id = String(req.params.id)
        try {
          if (step === 'on') {
            const cap = field(req.body, 'daily_cap')
            await callAction(caller, turnOnReachOutRule, {
              reach_out_rule_id: id,
              automatic: field(req.body, 'automatic') === 'on',
              ...(cap ? { daily_cap: typedNumber(req.body, 'daily_cap') } : {}),
            } as never)
          } else await callAction(caller, turnOffReachOutRule, { reach_out_rule_id: id })
          res.redirect(303, `/reach-outs/${id}?done=${step}`)
        } catch (err) {
          if (!(err instanceof AppError)) throw err
          await sendRule(res, session, caller, id, { error: `Nothing was changed. ${err.message}`, status: err.status })
        }
      }),
    )
  }

  return router
}

/** A rule's fields from the form: blanks left out, numbers typed as numbers. */
function ruleFromForm(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { name: field(body, 'name'), trigger: field(body, 'trigger') }
  for (const name of ['months', 'drop_percent', 'daily_cap']) if (field(body, name)) out[name] = typedNumber(body, name)
  for (const name of ['service_id', 'season_end', 'template_id', 'subject', 'body']) if (field(body, name)) out[name] = field(body, name)
  return out
}

/** Runs one change and goes to `done`, or shows the list again with why nothing changed. */
async function act(res: Response, session: SessionPrincipal, caller: Caller, done: string, change: () => Promise<unknown>) {
  try {
    await change()
    res.redirect(303, done)
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    await sendList(res, session, caller, { error: `Nothing was changed. ${err.message}`, status: err.status })
  }
}

interface ListOptions {
  ok?: string
  error?: string
  status?: number
  errors?: FieldErrors
  values?: Record<string, string>
}

async function sendList(res: Response, session: SessionPrincipal, caller: Caller, opts: ListOptions) {
  const csrf = session.csrfToken
  const waiting = (await callQuery(caller, reachOutBatchesQuery, { params: { status: 'waiting' }, limit: 20 })).items
  const rules = (await callQuery(caller, reachOutRulesQuery, { limit: 100 })).items
  const [settings] = (await callQuery(caller, reachOutSettingsQuery, {})).items
  const batches = waiting.map(
    (b) =>
      html`<div class="card"><b>${b.rule_name}</b><div class="muted">${b.run_on}: ${b.recipient_count} customer${
        b.recipient_count === 1 ? '' : 's'
      }${b.held_back ? `, ${b.held_back} more on later days` : ''}</div><ul class="home">${b.recipients.map(
        (r) => html`<li class="wrap"><a href="/customers/${r.contact_id}">${r.name}</a> <span class="muted">${r.why}</span></li>`,
      )}</ul><div class="row">${form(`/reach-outs/batches/${b.id}/send`, csrf, html`<button class="small">Send</button>`)}${form(
        `/reach-outs/batches/${b.id}/dismiss`,
        csrf,
        html`<button class="small second">Dismiss</button>`,
      )}</div></div>`,
  )
  const ruleLines = rules.map(
    (r) =>
      html`<li class="wrap"><a href="/reach-outs/${r.id}">${r.name}</a> <span class="muted">${r.when} · ${
        r.status === 'off' ? 'off' : r.automatic ? `sends by itself, up to ${r.daily_cap} a day` : 'waits for you each day'
      }</span></li>`,
  )
  sendOwnerPage(
    res,
    'Reach-outs',
    html`<p class="muted">Rules find the customers due for an email each day from 9:00. A customer gets at most one automatic reach-out every ${String(
      settings.period_days,
    )} days, and never after asking for no more.</p>
<h2>Waiting for you</h2>${batches.length ? batches : html`<p class="note">Nothing is waiting.</p>`}
<h2>Rules</h2>${ruleLines.length ? html`<ul class="home">${ruleLines}</ul>` : html`<p class="note">No rules yet.</p>`}
<h2>New rule</h2>${newRuleForm(session, await choices(caller), opts.errors ?? new Map(), opts.values ?? {})}
<h2>How often</h2>${form(
      '/reach-outs/period',
      csrf,
      html`<label>At most one reach-out per customer every this many days<input name="days" inputmode="numeric" value="${String(
        settings.period_days,
      )}"></label><button class="second">Save</button>`,
    )}`,
    opts,
  )
}

/** The services and the templates a rule may name. */
async function choices(caller: Caller) {
  const services = (await callQuery(caller, servicesQuery, { limit: 100 })).items
  const templates = [
    ...(await callQuery(caller, templatesQuery, { params: { kind: 'reach_out' }, limit: 100 })).items,
    ...(await callQuery(caller, templatesQuery, { params: { kind: 'custom' }, limit: 100 })).items,
  ]
  return {
    services: services.map((s) => [String(s.id), String(s.name)] as const),
    templates: templates.map((t) => [String(t.id), String(t.name)] as const),
  }
}

function newRuleForm(session: SessionPrincipal, c: Awaited<ReturnType<typeof choices>>, errors: FieldErrors, v: Record<string, string>) {
  const value = (name: string) => v[name] ?? ''
  return postForm(
    '/reach-outs',
    session,
    html`${textField('name', 'Name', value('name'), errors, html` required`)}
${selectField('trigger', 'Who is due', value('trigger') || 'no_visit', Object.entries(TRIGGER_WORDS), errors)}
${textField('months', 'Months (no visit, or one service)', value('months'), errors, html` inputmode="numeric"`)}
${selectField('service_id', 'Service (for one service)', value('service_id'), [['', '—'], ...c.services], errors)}
${textField('drop_percent', 'Fell by at least this % (neighborhoods)', value('drop_percent'), errors, html` inputmode="numeric"`)}
${textField('season_end', 'Season ends on (MM-DD, e.g. 06-30)', value('season_end'), errors)}
${selectField('template_id', 'Template', value('template_id'), [['', 'The default reach-out'], ...c.templates], errors)}
${textField('subject', 'Subject (optional)', value('subject'), errors)}
${textArea('body', 'Your words, placed in the template (optional)', value('body'), errors)}
${textField('daily_cap', 'At most this many a day', value('daily_cap') || '20', errors, html` inputmode="numeric"`)}
<button>Add rule</button>`,
  )
}

async function sendRule(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  id: string,
  opts: { ok?: string; error?: string; status?: number },
) {
  const csrf = session.csrfToken
  const rule = await callQuery(caller, reachOutRulesQuery, { id })
  const [p] = (await callQuery(caller, reachOutPreviewQuery, { params: { reach_out_rule_id: id, show: 20 } })).items
  const left = (Object.keys(SKIP_WORDS) as Array<keyof typeof SKIP_WORDS>)
    .filter((s) => p.skipped[s])
    .map((s) => `${p.skipped[s]} ${SKIP_WORDS[s]}`)
  const state =
    rule.status === 'off'
      ? 'Off.'
      : rule.automatic
        ? `On: sends by itself, up to ${rule.daily_cap} a day.`
        : 'On: each day’s batch waits for you.'
  const switchForm =
    rule.status === 'off'
      ? form(
          `/reach-outs/${id}/on`,
          csrf,
          html`${checkField('automatic', 'Send by itself each day, without asking me', false)}<label>At most this many a day<input name="daily_cap" inputmode="numeric" value="${String(
            rule.daily_cap,
          )}"></label><button>Turn on</button>`,
        )
      : form(`/reach-outs/${id}/off`, csrf, html`<button class="second">Turn off</button>`)
  sendOwnerPage(
    res,
    rule.name,
    html`<p><a href="/reach-outs">All reach-outs</a></p><p>For customers with ${rule.when}. ${state}</p>${switchForm}
<h2>${p.fires_today ? 'Today it would email' : 'On its date it would email'}</h2>${
      p.recipients.length
        ? html`<ul class="home">${p.recipients.map(
            (r) => html`<li class="wrap"><a href="/customers/${r.contact_id}">${r.name}</a> <span class="muted">${r.why}</span></li>`,
          )}</ul>${p.count > p.recipients.length ? html`<p class="muted">and ${p.count - p.recipients.length} more</p>` : ''}`
        : html`<p class="note">Nobody today.</p>`
    }${p.held_back ? html`<p class="muted">${p.held_back} more are due, over the daily cap: they come on later days.</p>` : ''}${
      left.length ? html`<p class="muted">Left out: ${left.join(', ')}.</p>` : ''
    }${
      p.message
        ? html`<h2>What ${p.message.to} would read</h2><div class="card"><b>${p.message.subject}</b><pre class="wrap">${p.message.body}</pre></div>`
        : ''
    }`,
    opts,
  )
}
