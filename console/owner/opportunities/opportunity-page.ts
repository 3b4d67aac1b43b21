import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import { formatMoney, parseAmountCents } from '../../../core/vocabulary/money.js'
import type { Services } from '../../../core/kernel/context.js'
import { interactionsQuery } from '../../../core/domains/interactions/queries.js'
import { usersQuery } from '../../../core/domains/users/queries.js'
import { archiveOpportunity, createOpportunity, moveOpportunity, updateOpportunity } from '../../../core/domains/opportunities/actions.js'
import { CLOSED_STAGES, STAGES, stageLabel } from '../../../core/domains/opportunities/model.js'
import { opportunitiesQuery } from '../../../core/domains/opportunities/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { localDate } from '../../../core/vocabulary/time.js'
import { form, html } from '../../html.js'
import { interactionForm, interactionList } from '../interactions/interaction-views.js'
import { sendOwnerPage } from '../owner-page.js'
import { type Missing, readOrNotFound } from '../not-found.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { recordChanges } from '../record-change.js'
import { amountRefused, businessFormat, doneLine, field, fieldErrorsOf, problemsSentence } from '../../form-kit.js'

/** What the opportunity page may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  opened: 'Opportunity opened.',
  moved: 'Stage changed.',
  saved: 'Changes saved.',
  archived: 'Archived: it has left the pipeline.',
  logged: 'Logged.',
  followed_up: 'Follow-up marked done.',
}

/** No opportunity by that id in the business. */
const MISSING_OPPORTUNITY: Missing = {
  title: 'Opportunity not found',
  sentence: 'There is no such opportunity in your business.',
  back: { href: '/pipeline', label: 'Pipeline' },
}

/** Where a refused "open an opportunity" form returns to: the customer or lead it was opened from. */
const FROM = /^[0-9a-f-]{36}$/

/** One opportunity: details, its stage moved with a reason, its details changed, its calls logged; and opening one from a lead or customer. */
export function opportunityPages(services: Services): Router {
  const router = Router()

  router.post(
    '/opportunities',
    ownerRoute(services, async ({ req, res, session }) => {
      const contactId = field(req.body, 'contact_id')
      const leadId = field(req.body, 'lead_id')
      const back = FROM.test(contactId) ? `/customers/${contactId}` : FROM.test(leadId) ? `/leads/${leadId}` : '/pipeline'
      let opened
      try {
        const amount = field(req.body, 'amount')
        const cents = amount ? parseAmountCents(amount) : 0
        if (cents === null) throw amountRefused('amount_cents', amount)
        const closeOn = field(req.body, 'expected_close_on')
        opened = await callAction(callerOf(services, session, res), createOpportunity, {
          title: field(req.body, 'title'),
          amount_cents: cents,
          stage: (field(req.body, 'stage') || undefined) as never,
          ...(contactId ? { contact_id: contactId } : {}),
          ...(leadId ? { lead_id: leadId } : {}),
          ...(closeOn ? { expected_close_on: closeOn } : {}),
        })
      } catch (err) {
        return refused(res, err, back, 'Not opened')
      }
      // A person's call runs at once; the queued branch is an agent's only.
      res.redirect(303, opened.queued ? back : `/opportunities/${encodeURIComponent(opened.result.id)}?done=opened`)
    }),
  )

  router.get(
    '/opportunities/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      await showOpportunity(services, session, res, req.params.id, { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/opportunities/:id/move',
    ownerRoute(services, async ({ req, res, session }) => {
      const reason = field(req.body, 'reason')
      await act(services, session, res, req.params.id, 'moved', (caller) =>
        callAction(caller, moveOpportunity, {
          opportunity_id: req.params.id,
          stage: field(req.body, 'stage') as never,
          ...(reason ? { reason } : {}),
          ...(field(req.body, 'reopen') ? { reopen: true } : {}),
        }),
      )
    }),
  )

  router.post(
    '/opportunities/:id/edit',
    ownerRoute(services, async ({ req, res, session }) => {
      await act(services, session, res, req.params.id, 'saved', (caller) => {
        const amount = field(req.body, 'amount')
        const cents = parseAmountCents(amount)
        if (cents === null) throw amountRefused('amount_cents', amount)
        const chance = field(req.body, 'probability')
        return callAction(caller, updateOpportunity, {
          opportunity_id: req.params.id,
          title: field(req.body, 'title'),
          amount_cents: cents,
          probability: (/^\d+$/.test(chance) ? Number(chance) : chance) as number,
          expected_close_on: field(req.body, 'expected_close_on') || null,
          assignee_id: field(req.body, 'assignee_id') || null,
        })
      })
    }),
  )

  router.post(
    '/opportunities/:id/archive',
    ownerRoute(services, async ({ req, res, session }) => {
      await act(services, session, res, req.params.id, 'archived', (caller) =>
        callAction(caller, archiveOpportunity, { opportunity_id: req.params.id }),
      )
    }),
  )

  return router
}

/** Runs one of the page's changes; a refusal shows the opportunity again with what went wrong, a success its status line. */
const act = recordChanges('/opportunities', showOpportunity, (err) => problemsSentence(fieldErrorsOf(err)) || err.message)

/** A refusal as a page: what was wrong, field by field, and the way back; nothing was written. */
function refused(res: Response, err: unknown, back: string, title: string): void {
  if (!(err instanceof AppError)) throw err
  const problems = problemsSentence(fieldErrorsOf(err))
  sendOwnerPage(res, title, html`<p><a href="${back}">Back</a></p>`, {
    status: err.status,
    error: `Nothing was changed. ${problems || err.message}`,
  })
}

async function showOpportunity(
  services: Services,
  session: SessionPrincipal,
  res: Response,
  id: string,
  opts: { status?: number; ok?: string; error?: string },
) {
  const caller = callerOf(services, session, res)
  const o = await readOrNotFound(res, MISSING_OPPORTUNITY, () => callQuery(caller, opportunitiesQuery, { id, include: ['audit_trail'] }))
  if (!o) return
  const { timezone } = await businessFormat(caller)
  const [interactions, team] = await Promise.all([
    callQuery(caller, interactionsQuery, { params: { opportunity_id: o.id }, limit: 20 }),
    callQuery(caller, usersQuery, { params: { active: 'true' }, limit: 100 }),
  ])
  const csrf = session.csrfToken
  const base = `/opportunities/${o.id}`
  const closed = CLOSED_STAGES.includes(o.stage)
  const facts = html`<dl class="facts"><dt>Stage</dt><dd>${stageLabel(o.stage)}</dd><dt>Amount</dt><dd>${formatMoney(o.amount_cents, o.currency)}</dd>
${closed ? '' : html`<dt>Chance</dt><dd>${o.probability}%</dd>`}${o.expected_close_on ? html`<dt>Expected to close</dt><dd>${o.expected_close_on}</dd>` : ''}
${o.contact_id ? html`<dt>Customer</dt><dd><a href="${`/customers/${o.contact_id}`}">${o.contact_name ?? 'Open the customer'}</a></dd>` : ''}
${o.lead_id ? html`<dt>From the lead</dt><dd><a href="${`/leads/${o.lead_id}`}">${o.lead_name ?? 'Open the lead'}</a></dd>` : ''}
${o.assignee_name ? html`<dt>Worked by</dt><dd>${o.assignee_name}</dd>` : ''}
${o.closed_at ? html`<dt>${o.stage === 'won' ? 'Won' : 'Lost'}</dt><dd>${formatInstant(o.closed_at, timezone)}: ${o.close_reason}</dd>` : ''}
${o.archived_at ? html`<dt>Archived</dt><dd>${formatInstant(o.archived_at, timezone)}</dd>` : ''}</dl>`
  const editable = !o.archived_at
  const body = html`${facts}
${
  editable
    ? form(
        `${base}/move`,
        csrf,
        html`<h2>Move to a stage</h2><label>Stage<select name="stage">${STAGES.filter((s) => s !== o.stage).map((s) => html`<option value="${s}">${stageLabel(s)}</option>`)}</select></label>
<label>Why (needed for won or lost)<input name="reason" maxlength="500" placeholder="Accepted the quote; went with another company"></label>
${closed ? html`<label class="c"><input type="checkbox" name="reopen" value="1">Reopen: it is ${o.stage} now</label>` : ''}<button>Move it</button>`,
      )
    : ''
}
${
  editable
    ? html`<details><summary>Change the details</summary>${form(
        `${base}/edit`,
        csrf,
        html`<label>What for<input name="title" required maxlength="200" value="${o.title}"></label>
<div class="row"><label>Amount<input name="amount" inputmode="decimal" value="${(o.amount_cents / 100).toFixed(2)}"></label>
<label>Chance (%)<input type="number" name="probability" min="0" max="100" value="${String(o.probability)}"></label></div>
<label>Expected to close<input type="date" name="expected_close_on" value="${o.expected_close_on ?? ''}"></label>
<label>Worked by<select name="assignee_id"><option value="">Nobody in particular</option>${team.items.map(
          (u) => html`<option value="${u.id}"${u.id === o.assignee_id ? html` selected` : ''}>${u.name || u.email}</option>`,
        )}</select></label><button class="second">Save changes</button>`,
      )}</details>`
    : ''
}
<h2 id="calls">Calls, emails and meetings</h2>${interactionList(interactions.items, {
    csrf,
    back: `${base}#calls`,
    timeZone: timezone,
    today: localDate(services.now(), timezone),
    names: new Map(),
  })}
${editable ? html`<details><summary>Log a call, email or meeting</summary>${interactionForm(`${base}/interactions`, csrf)}</details>` : ''}
<h2>History</h2><ul class="history">${(o.audit_trail ?? []).map(
    (a) =>
      html`<li>${formatInstant(a.created_at, timezone)} · ${stageChange(a.action, a.changes)} by ${
        a.actor_type === 'agent' ? 'the office manager' : a.actor_type === 'user' ? 'a person' : 'the system'
      }</li>`,
  )}</ul>
${
  editable
    ? form(
        `${base}/archive`,
        csrf,
        html`<h2>Archive</h2><p class="note">For one opened by mistake; a lost sale is moved to lost instead.</p>
<button class="deny small">Archive opportunity</button>`,
      )
    : ''
}
<p><a href="/pipeline">Pipeline</a></p>`
  sendOwnerPage(res, o.title, body, opts)
}

/** An audit entry as a few words: "moved from estimating to won", or the action's name. */
function stageChange(action: string, changes: unknown): string {
  const stage = (changes as Record<string, { old: unknown; new: unknown }> | null)?.stage
  if (stage && typeof stage.old === 'string' && typeof stage.new === 'string')
    return `${action === 'reopen' ? 'reopened' : 'moved'} from ${stageLabel(stage.old)} to ${stageLabel(stage.new)}`
  return action === 'create' ? 'opened' : action.replace(/_/g, ' ')
}
