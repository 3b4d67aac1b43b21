import { Router, type Response } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { updateSettings } from '../../../core/domains/settings/actions.js'
import { settingsQuery } from '../../../core/domains/settings/queries.js'
import { backupStatusQuery } from '../../../core/domains/settings/backup-status-query.js'
import { form, html } from '../../html.js'
import { exportHref, OWNER_EXPORTS } from './export-links.js'
import { sendOwnerPage } from '../owner-page.js'
import {
  formValuesOf,
  formValuesSent,
  settingsChange,
  settingsFormField,
  settingsInputs,
  SETTINGS_FORM_FIELDS,
  type SettingsFormValues,
} from './settings-form.js'
import { ownerRoute } from '../owner-route.js'
import { logoSection } from './logo-page.js'
import { backupSettingsSection, type BackupStatusRecord } from './backup-views.js'
import { businessFormat, fieldErrorsOf, pageProblem, type FieldErrors } from '../../form-kit.js'

/** The owner's pages the nav does not show, up to the capabilities' own, in the order the "More" page lists them. */
const FIRST_PAGES: ReadonlyArray<readonly [string, string]> = [
  ['#business', 'Business settings'],
  ['#backups', 'Backups'],
  ['/settings/templates', 'Email templates'],
  ['/settings/fields', 'Custom fields'],
  ['/team', 'Team'],
  ['/services', 'Services'],
  ['/waitlist', 'Waitlist'],
  ['/review/connections', 'Agent tokens and connected apps'],
  ['/review/permissions', 'Permissions'],
  ['/review/history', 'Decided requests'],
  ['/segments', 'Segments'],
  ['/messages', 'Scheduled emails'],
  ['/messages/outbox', 'Outbox'],
  ['/import', 'Import'],
]

/** The owner's pages the nav does not show, after the capabilities' own. */
const LATER_PAGES: ReadonlyArray<readonly [string, string]> = [
  ['/settings/request-page', 'Request page for customers'],
  ['/calendar', 'Calendar subscriptions'],
]

/** Every page the "More" page links, each capability's settings page among them (in the order of their names). */
function morePages(services: Services): ReadonlyArray<readonly [string, string]> {
  const capabilities = services.capabilities.flatMap((c) => (c.settingsLink ? [[c.settingsLink.path, c.settingsLink.label] as const] : []))
  return [...FIRST_PAGES, ...capabilities, ...LATER_PAGES]
}

/** The line a finished change shows, by the page's ?done=. */
const DONE: Record<string, string> = { saved: 'Settings saved.', logo: 'Logo saved.', logo_removed: 'Logo removed.' }

/** Where the business's backups stand, and the time zone the page shows their times in (the stored one, not one just typed). */
interface Backups {
  status: BackupStatusRecord
  timezone: string
}

/** Every IANA time zone this server knows, for the time zone choice. */
const TIME_ZONES: readonly string[] = Intl.supportedValuesOf('timeZone')

/** The "More" page: links to every owner page outside the nav, then the business settings form. */
export function settingsPages(services: Services): Router {
  const router = Router()
  const show = (
    res: Response,
    session: SessionPrincipal,
    values: SettingsFormValues,
    backups: Backups,
    problems: FieldErrors,
    opts: { ok?: string; status?: number; logo?: string | null } = {},
  ) => {
    const links = html`<nav aria-label="More pages"><ul class="more">${morePages(services).map(([href, words]) => html`<li><a href="${href}">${words}</a></li>`)}
<li>Export as CSV: ${OWNER_EXPORTS.map((e, i) => html`${i ? ', ' : ''}<a href="${exportHref(e.type)}" download>${e.label}</a>`)}</li></ul></nav>`
    const status = opts.status ?? 200
    sendOwnerPage(
      res,
      'More',
      html`${links}<h2 id="business">Business settings</h2>
<p class="note">Business id: <code>${session.tenantId}</code>, the <code>--tenant</code> of the <code>npx crm</code> commands.</p>
${form(
  '/settings',
  session.csrfToken,
  html`${settingsInputs(values, problems, TIME_ZONES)}${backupSettingsSection(backups.status, values, problems, backups.timezone, services.now())}<button>Save settings</button>`,
)}
${opts.logo !== undefined ? logoSection(session.csrfToken, opts.logo) : ''}`,
      { ok: opts.ok, status, error: status >= 400 ? pageProblem(problems, SETTINGS_FORM_FIELDS) : undefined },
    )
  }

  router.get(
    '/settings',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = { services, principal: session, requestId: stateOf(res).requestId }
      const [[settings], [backups]] = await Promise.all([
        callQuery(caller, settingsQuery, { limit: 1 }).then((p) => p.items),
        callQuery(caller, backupStatusQuery, { limit: 1 }).then((p) => p.items),
      ])
      show(res, session, formValuesOf(settings), { status: backups, timezone: settings.timezone }, new Map(), {
        ok: Object.hasOwn(DONE, String(req.query.done)) ? DONE[String(req.query.done)] : undefined,
        logo: settings.logo_sha256,
      })
    }),
  )

  router.post(
    '/settings',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const values = formValuesSent(req.body)
      const caller = { services, principal: session, requestId: stateOf(res).requestId }
      // Read first, so a refusal shows the page whole again, its times on the business's clock as stored.
      const [[status], { timezone }] = await Promise.all([
        callQuery(caller, backupStatusQuery, { limit: 1 }).then((p) => p.items),
        businessFormat(caller),
      ])
      const backups = { status, timezone }
      const { change, problems } = settingsChange(values)
      if (problems.size) return show(res, session, values, backups, problems, { status: 400 })
      onError((err) => {
        return show(res, session, values, backups, fieldErrorsOf(err, settingsFormField), { status: err.status })
      })
      await callAction(caller, updateSettings, change)
      res.redirect(303, '/settings?done=saved')
    }),
  )
  return router
}
