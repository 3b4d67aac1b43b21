import { Router, type Response } from 'express'
import type { z } from 'zod'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery, callQueryAll } from '../../../core/kernel/call-query.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import type { Services } from '../../../core/kernel/context.js'
import { archiveLead, convertLead, setLeadStatus, updateLead } from '../../../core/domains/leads/actions.js'
import { LEAD_TRANSITIONS, type LeadStatus } from '../../../core/domains/leads/model.js'
import { leadsQuery } from '../../../core/domains/leads/queries.js'
import { addNote } from '../../../core/domains/notes/actions.js'
import { notesQuery } from '../../../core/domains/notes/queries.js'
import { interactionsQuery } from '../../../core/domains/interactions/queries.js'
import { opportunitiesQuery } from '../../../core/domains/opportunities/queries.js'
import { localDate } from '../../../core/vocabulary/time.js'
import { form, html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { type Missing, readOrNotFound } from '../not-found.js'
import { interactionForm, interactionList } from '../interactions/interaction-views.js'
import { openOpportunityForm, opportunityList } from '../opportunities/opportunity-views.js'
import { leadFields, leadInput, typedFromBody, typedFromLead, type Lead, type LeadTyped } from './lead-fields.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { recordChanges } from '../record-change.js'
import { TOP_FIELD, businessFormat, doneLine, field, fieldError, fieldErrorsOf } from '../../form-kit.js'

/** What the lead page may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  created: 'Lead saved.',
  status: 'Status changed.',
  saved: 'Changes saved.',
  noted: 'Note added.',
  logged: 'Logged.',
  followed_up: 'Follow-up marked done.',
}

/** The statuses set_status may move a lead to. */
const SETTABLE = ['new', 'contacted', 'qualified'] as const

/** One lead: details, notes and history; change its status, edit it, add a note, archive it, or convert it to a customer. */
export function leadPages(services: Services): Router {
  const router = Router()

  router.get(
    '/leads/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      await showLead(services, session, res, req.params.id, { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.get(
    '/leads/:id/edit',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const lead = await readLead(caller, req.params.id, res)
      if (!lead) return
      const { timezone } = await businessFormat(caller)
      sendOwnerPage(res, `Edit ${lead.name ?? 'lead'}`, editForm(lead, session.csrfToken, typedFromLead(lead, timezone), new Map()))
    }),
  )

  router.post(
    '/leads/:id/edit',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const typed = typedFromBody(req.body)
      onError(async (err) => {
        const lead = await readLead(caller, req.params.id, res)
        if (!lead) return
        return sendOwnerPage(res, `Edit ${lead.name ?? 'lead'}`, editForm(lead, session.csrfToken, typed, fieldErrorsOf(err, TOP_FIELD)), {
          status: err.status,
          error: `Nothing was changed. ${err.message}`,
        })
      })
      const { timezone } = await businessFormat(caller)
      await callAction(caller, updateLead, { lead_id: req.params.id, ...leadInput(typed, timezone, 'update') } as z.input<
        typeof updateLead.input
      >)
      res.redirect(303, `/leads/${encodeURIComponent(req.params.id)}?done=saved`)
    }),
  )

  router.post(
    '/leads/:id/status',
    ownerRoute(services, async ({ req, res, session }) => {
      await act(services, session, res, req.params.id, 'status', (caller) =>
        callAction(caller, setLeadStatus, { lead_id: req.params.id, status: field(req.body, 'status') as 'new' }),
      )
    }),
  )

  router.post(
    '/leads/:id/note',
    ownerRoute(services, async ({ req, res, session }) => {
      await act(services, session, res, req.params.id, 'noted', (caller) =>
        callAction(caller, addNote, { lead_id: req.params.id, content: field(req.body, 'content') }),
      )
    }),
  )

  router.post(
    '/leads/:id/archive',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const reason = field(req.body, 'reason')
      onError((err) => {
        return showLead(services, session, res, req.params.id, { status: err.status, error: `The lead was not archived. ${err.message}` })
      })
      await callAction(callerOf(services, session, res), archiveLead, { lead_id: req.params.id, reason: reason || undefined })
      res.redirect(303, '/leads?done=archived')
    }),
  )

  router.post(
    '/leads/:id/convert',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      onError((err) => {
        return showLead(services, session, res, req.params.id, { status: err.status, error: `The lead was not converted. ${err.message}` })
      })
      const converted = await callAction(callerOf(services, session, res), convertLead, {
        lead_id: req.params.id,
        ...(field(req.body, 'without_address') ? { address: null } : {}),
      })
      res.redirect(
        303,
        converted.queued ? `/leads/${encodeURIComponent(req.params.id)}` : `/customers/${encodeURIComponent(converted.result.contact.id)}`,
      )
    }),
  )

  return router
}

/** Runs one of the page's small changes; a refusal shows the lead again with what went wrong, a success its status line. */
const act = recordChanges('/leads', showLead, (err) => err.message)

/** The lead with its history, or the 404 page (another business's id included). */
async function readLead(caller: Caller, id: string, res: Response): Promise<Lead | null> {
  return readOrNotFound(res, MISSING_LEAD, () => callQuery(caller, leadsQuery, { id, include: ['audit_trail'] }))
}

/** No lead by that id in the business. */
const MISSING_LEAD: Missing = {
  title: 'Lead not found',
  sentence: 'There is no such lead in your business.',
  back: { href: '/leads', label: 'All leads' },
}

async function showLead(
  services: Services,
  session: SessionPrincipal,
  res: Response,
  id: string,
  opts: { status?: number; ok?: string; error?: string },
) {
  const caller = callerOf(services, session, res)
  const lead = await readLead(caller, id, res)
  if (!lead) return
  const { timezone } = await businessFormat(caller)
  const notes = await callQueryAll(caller, notesQuery, { params: { lead_id: lead.id } })
  const interactions = await callQuery(caller, interactionsQuery, { params: { lead_id: lead.id }, limit: 20 })
  const opportunities = await callQuery(caller, opportunitiesQuery, { params: { lead_id: lead.id }, limit: 20 })
  const today = localDate(services.now(), timezone)
  const csrf = session.csrfToken
  const moves = SETTABLE.filter((s) => LEAD_TRANSITIONS[lead.status as LeadStatus].includes(s))
  const facts: Array<[string, string | null]> = [
    ['Status', lead.status],
    ['Phone', lead.phone],
    ['Email', lead.email],
    ['Address', lead.address],
    ['Wants', lead.service_interest],
    ['Source', lead.source],
    ['Urgency', lead.urgency],
    ['Property', lead.property_details],
    ['Getting in', lead.access_notes],
    ['Preferred times', lead.preferred_times],
    ['Follow up', lead.reminder_at ? formatInstant(lead.reminder_at, timezone) : null],
    ['Archived because', lead.archive_reason],
  ]
  const body = html`<dl class="facts">${facts.filter(([, v]) => v).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
${lead.converted_contact_id ? html`<p>Now a customer: <a href="/customers/${lead.converted_contact_id}">open the customer</a></p>` : ''}
<p><a href="/leads/${lead.id}/edit">Edit details</a></p>
<h2>What they said</h2><p class="pre">${lead.raw_notes}</p>
${
  moves.length
    ? form(
        `/leads/${lead.id}/status`,
        csrf,
        html`<div class="row"><label>Move to<select name="status">${moves.map((s) => html`<option>${s}</option>`)}</select></label>
<button class="small">Change status</button></div>`,
      )
    : ''
}
${
  LEAD_TRANSITIONS[lead.status as LeadStatus].includes('converted')
    ? html`<h2>Convert to a customer</h2>${form(
        `/leads/${lead.id}/convert`,
        csrf,
        html`
<p class="note">Links the customer with the same email or phone, or makes a new one with the lead's details.</p>
<label class="c"><input type="checkbox" name="without_address" value="1">Make the customer without an address</label><button>Convert to customer</button>`,
      )}`
    : ''
}
<h2 id="opportunities">Opportunities</h2>${opportunityList(opportunities.items, 'No opportunities.')}
${openOpportunityForm(csrf, { field: 'lead_id', id: lead.id })}
<h2>Notes</h2>${
    notes.length
      ? notes.map(
          (n) => html`<div class="card"><p class="pre">${n.content}</p><p class="note">${formatInstant(n.created_at, timezone)}</p></div>`,
        )
      : html`<p class="note">No notes yet.</p>`
  }
${form(`/leads/${lead.id}/note`, csrf, html`<label>New note<textarea name="content" required maxlength="10000"></textarea></label><button class="second">Add note</button>`)}
<h2 id="calls">Calls, emails and meetings</h2>${interactionList(interactions.items, { csrf, back: `/leads/${lead.id}#calls`, timeZone: timezone, today, names: new Map() })}
<details><summary>Log a call, email or meeting</summary>${interactionForm(`/leads/${lead.id}/interactions`, csrf)}</details>
<h2>History</h2><ul>${(lead.audit_trail ?? []).map((a) => html`<li>${formatInstant(a.created_at, timezone)} · ${a.action.replace(/_/g, ' ')} by ${a.actor_type === 'agent' ? 'the office manager' : a.actor_type === 'user' ? 'a person' : 'the system'}</li>`)}</ul>
${
  LEAD_TRANSITIONS[lead.status as LeadStatus].includes('archived')
    ? form(
        `/leads/${lead.id}/archive`,
        csrf,
        html`<h2>Archive</h2>
<label>Why (optional)<input name="reason" maxlength="500"></label><button class="deny small">Archive lead</button>`,
      )
    : ''
}
<p><a href="/leads">All leads</a></p>`
  sendOwnerPage(res, lead.name ?? 'Lead', body, opts)
}

function editForm(lead: Lead, csrf: string, typed: LeadTyped, problems: Map<string, string>): SafeHtml {
  return html`${form(`/leads/${lead.id}/edit`, csrf, html`${leadFields(typed, problems)}<button>Save changes</button>`)}${fieldError(problems, 'lead_id', 'inline')}
<p><a href="/leads/${lead.id}">Back to the lead</a></p>`
}
