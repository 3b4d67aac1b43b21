import { Router } from 'express'
import type { z } from 'zod'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import type { Services } from '../../../core/kernel/context.js'
import { createLead } from '../../../core/domains/leads/actions.js'
import { leadsQuery } from '../../../core/domains/leads/queries.js'
import { form, html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { nextPageLink, statusTabs } from '../../list-tabs.js'
import { leadFields, leadInput, typedFromBody, type Lead, type LeadTyped } from './lead-fields.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { TOP_FIELD, businessFormat, doneLine, fieldErrorsOf } from '../../form-kit.js'

/** Leads shown per page. */
const PAGE_SIZE = 25

/** The list's tabs: the leads domain's statuses, plus open (new, contacted and qualified) and all but archived. */
const TABS: Record<string, { label: string; status?: z.input<typeof leadsQuery.params>['status'] }> = {
  open: { label: 'Open', status: 'open' },
  new: { label: 'New', status: 'new' },
  contacted: { label: 'Contacted', status: 'contacted' },
  qualified: { label: 'Qualified', status: 'qualified' },
  converted: { label: 'Converted', status: 'converted' },
  archived: { label: 'Archived', status: 'archived' },
  all: { label: 'All' },
}

/** The owner's leads by status, with follow-up dates and sources, and the form for a new lead. */
export function leadsPages(services: Services): Router {
  const router = Router()

  router.get(
    '/leads',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const { timezone } = await businessFormat(caller)
      const tab = typeof req.query.status === 'string' ? req.query.status : 'open'
      if (!Object.hasOwn(TABS, tab)) {
        return sendOwnerPage(res, 'Leads', tabs('open'), { status: 400, error: `status: expected one of ${Object.keys(TABS).join(', ')}` })
      }
      const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined
      onError((err) => {
        return sendOwnerPage(res, 'Leads', tabs(tab), { status: err.status, error: err.message })
      })
      const list: { items: Lead[]; next_cursor: string | null } = await callQuery(caller, leadsQuery, {
        params: { status: TABS[tab].status },
        limit: PAGE_SIZE,
        cursor,
      })
      const now = services.now().toISOString()
      const cards = list.items.map(
        (l) => html`<div class="card"><a href="/leads/${l.id}"><b>${l.name ?? 'No name yet'}</b></a> <span class="muted">${l.status}</span>
<p class="note">${l.source ? `From ${l.source} · ` : ''}in ${formatInstant(l.created_at, timezone)}${l.service_interest ? ` · wants ${l.service_interest}` : ''}</p>${
          l.reminder_at
            ? html`<p class="${l.reminder_at < now ? 'err' : 'note'}">Follow up ${formatInstant(l.reminder_at, timezone)}</p>`
            : ''
        }</div>`,
      )
      sendOwnerPage(
        res,
        'Leads',
        html`<p><a href="/leads/new">New lead</a></p>${tabs(tab)}${cards.length ? cards : html`<p class="note">No leads here.</p>`}${nextPageLink(
          '/leads',
          { status: tab },
          list.next_cursor,
          `Next ${PAGE_SIZE}`,
        )}`,
        { ok: doneLine(req.query.done, { archived: 'The lead is archived.' }) },
      )
    }),
  )

  router.get(
    '/leads/new',
    ownerRoute(services, async ({ res, session }) => {
      sendOwnerPage(res, 'New lead', newLeadForm(session.csrfToken, typedFromBody({}), new Map()))
    }),
  )

  router.post(
    '/leads',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const typed = typedFromBody(req.body)
      onError((err) => {
        return sendOwnerPage(res, 'New lead', newLeadForm(session.csrfToken, typed, fieldErrorsOf(err, TOP_FIELD)), {
          status: err.status,
          error: `The lead was not saved. ${err.message}`,
        })
      })
      const { timezone } = await businessFormat(caller)
      const lead = await callAction(caller, createLead, leadInput(typed, timezone, 'create') as z.input<typeof createLead.input>)
      res.redirect(303, lead.queued ? '/leads' : `/leads/${encodeURIComponent(lead.result.id)}?done=created`)
    }),
  )

  return router
}

/** The status tabs as links; the current one is marked. */
function tabs(current: string): SafeHtml {
  return statusTabs('Lead status', '/leads', TABS, current)
}

function newLeadForm(csrf: string, typed: LeadTyped, problems: Map<string, string>): SafeHtml {
  return html`${form('/leads', csrf, html`${leadFields(typed, problems)}<button>Save lead</button>`)}<p><a href="/leads">All leads</a></p>`
}
