import { Router } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import { authorizationRequestsQuery } from '../../../core/domains/approvals/queries.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { receivablesQuery } from '../../../core/domains/invoices/receivables.js'
import { interactionsQuery } from '../../../core/domains/interactions/queries.js'
import { leadsQuery } from '../../../core/domains/leads/queries.js'
import { appointmentResponsesQuery } from '../../../core/domains/messages/queries.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { settingsQuery } from '../../../core/domains/settings/queries.js'
import { backupStatusQuery } from '../../../core/domains/settings/backup-status-query.js'
import { waysToPay } from '../../../core/domains/settings/ways-to-pay.js'
import { ticketsQuery } from '../../../core/domains/tickets/queries.js'
import { unbilledWorkQuery } from '../../../core/domains/tickets/unbilled.js'
import { addDays, dayRange, localDate } from '../../../core/vocabulary/time.js'
import { html } from '../../html.js'
import { exportLinks } from '../settings/export-links.js'
import { backupHomeSection } from '../settings/backup-views.js'
import {
  answersSection,
  daySection,
  followUpsSection,
  leadsSection,
  moneySection,
  noServicesSection,
  noWayToPaySection,
  requestsSection,
  startSection,
  unbilledSection,
} from './home-sections.js'
import { HOME_CARDS } from '../capability-parts.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'

/** How many records each part of Home reads: enough to count a normal day, and "+" beyond. */
const READ = 20

/** The owner's Home at /: the day's dashboard, each part short and linking to where it is handled. */
export function homePages(services: Services): Router {
  const router = Router()
  router.get(
    '/',
    ownerRoute(services, async ({ res, session }) => {
      const caller = { services, principal: session, requestId: stateOf(res).requestId }
      const [settings, catalog] = await Promise.all([
        callQuery(caller, settingsQuery, { id: session.tenantId }),
        callQuery(caller, servicesQuery, { limit: 1 }),
      ])
      const { timezone: tz, name } = settings
      const setup = { ways: waysToPay(services, settings), replyTo: settings.reply_to_email, hasServices: catalog.items.length > 0 }
      const today = localDate(services.now(), tz)
      const tomorrow = addDays(today, 1)
      const [tickets, requests, receivables, answers, unanswered, unbilled, leads, followUps, backups] = await Promise.all([
        callQuery(caller, ticketsQuery, { params: { from: today, to: tomorrow }, include: ['technicians', 'address'], limit: 100 }),
        callQuery(caller, authorizationRequestsQuery, { params: { status: 'pending' }, limit: READ }),
        callQuery(caller, receivablesQuery, { limit: 10 }),
        callQuery(caller, appointmentResponsesQuery, { params: { open: 'true' }, limit: READ }),
        callQuery(caller, ticketsQuery, { params: { unanswered: 'true' }, limit: READ }),
        callQuery(caller, unbilledWorkQuery, { limit: READ }),
        callQuery(caller, leadsQuery, {
          params: { status: 'open', reminder_due_before: dayRange(tomorrow, tz).start.toISOString() },
          limit: READ,
        }),
        callQuery(caller, interactionsQuery, { params: { follow_up: 'due' }, limit: READ }),
        callQuery(caller, backupStatusQuery, { limit: 1 }),
      ])
      // Each capability's card (console/owner/capability-parts.ts), shown only when it needs the owner.
      const cards = await Promise.all(HOME_CARDS.map((card) => card(caller)))
      const quiet = !tickets.items.length && !receivables.items.length && !unbilled.items.length && !leads.items.length
      const empty = quiet && !(await callQuery(caller, contactsQuery, { limit: 1 })).items.length
      const onDay = (date: string) => tickets.items.filter((t) => localDate(new Date(t.scheduled_start), tz) === date)
      const backup = backupHomeSection(backups.items[0], tz, services.now())
      const body = html`${empty ? startSection(setup) : html`${noServicesSection(setup.hasServices)}${noWayToPaySection(setup.ways)}`}${backup.top}
${daySection('Today', today, onDay(today), tz)}${daySection('Tomorrow', tomorrow, onDay(tomorrow), tz)}
${requestsSection(requests)}${cards}${answersSection(unanswered, answers, tz)}${moneySection(receivables.items)}
${unbilledSection(unbilled, tz)}${leadsSection(leads, tz)}${followUpsSection(followUps)}${backup.end}
<h2>More</h2><p><a href="/review/permissions">Permissions</a> · <a href="/review/connections">Connected apps</a> · <a href="/messages">Scheduled emails</a> · <a href="/import">Import customers</a></p>
${exportLinks()}
<p class="muted">Signed in as ${session.actor.type === 'user' ? session.actor.name || session.email : ''} (owner).</p>
<form method="post" action="/auth/logout"><input type="hidden" name="_csrf" value="${session.csrfToken}"><button class="second">Sign out</button></form>`
      sendOwnerPage(res, name, body)
    }),
  )
  return router
}
