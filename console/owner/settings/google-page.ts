import { Router } from 'express'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { connectGoogle, disconnectGoogle, syncGoogleNow, turnOffGoogleFeature } from '../../../core/domains/google/actions.js'
import { googleClientOf, googleOffReason } from '../../../core/domains/google/availability.js'
import { finishGoogleConnect, googleCallbackUrl } from '../../../core/domains/google/connect.js'
import { googleConnectionQuery } from '../../../core/domains/google/connection-query.js'
import { GOOGLE_FEATURES, type GoogleFeature } from '../../../core/domains/google/features.js'
import { businessQuery } from '../../../core/domains/settings/queries.js'
import { validationError } from '../../../core/kernel/errors.js'
import { doneLine, field } from '../../form-kit.js'
import { html, type SafeHtml } from '../../html.js'
import type { PageCall } from '../../page-route.js'
import { sendTechnicianGoogle } from '../../technician/google.js'
import { sendOwnerPage } from '../owner-page.js'
import { googleRoute, roleOf } from './google-route.js'
import { featureSections } from './google-sections.js'
import {
  accountButtons,
  accountSentence,
  connectForm,
  consentSites,
  GOOGLE_PAGE,
  type GoogleAccount,
  offNotice,
  syncFacts,
  turnOffButtons,
} from './google-views.js'

/** The status lines of ?done=, never text from the request. */
const DONE: Record<string, string> = {
  connected: 'Google is connected. The first sync runs within a minute.',
  disconnected: 'Google is disconnected: its tokens were forgotten here and revoked at Google.',
  turned_off: 'Turned off. The account stays connected for its other features.',
  sync: 'A sync was asked for: it runs within a minute.',
}

/**
 * The Google page of whoever is signed in: the owner's (connect with the features ticked, every account of the
 * business with Turn off, Sync now and Disconnect) or a technician's (their own calendar); the callback Google sends
 * either back to; and the buttons' posts, each through its registered action.
 */
export function googlePages(services: Services): Router {
  const router = Router()

  router.get(
    GOOGLE_PAGE,
    googleRoute(services, async (call) => {
      await showPage(call, { ok: doneLine(call.req.query.done, DONE) })
    }),
  )

  router.post(
    `${GOOGLE_PAGE}/connect`,
    googleRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: `Google was not connected. ${err.message}` }))
      const started = await callAction(call.caller, connectGoogle, { features: featuresOf(call.req.body) })
      if (started.queued) throw new Error('a person’s connect is never queued')
      call.res.redirect(303, started.result.authorize_url)
    }),
  )

  router.get(
    `${GOOGLE_PAGE}/callback`,
    googleRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: err.message }))
      const q = call.req.query
      const text = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined)
      await finishGoogleConnect(
        services,
        call.session,
        { state: text('state') ?? '', code: text('code'), error: text('error') },
        call.requestId,
      )
      call.res.redirect(303, `${GOOGLE_PAGE}?done=connected`)
    }),
  )

  router.post(
    `${GOOGLE_PAGE}/disconnect`,
    googleRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: `Nothing was changed. ${err.message}` }))
      await callAction(call.caller, disconnectGoogle, { user_id: userOf(call) })
      call.res.redirect(303, `${GOOGLE_PAGE}?done=disconnected`)
    }),
  )

  router.post(
    `${GOOGLE_PAGE}/turn-off`,
    googleRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: `Nothing was turned off. ${err.message}` }))
      await callAction(call.caller, turnOffGoogleFeature, {
        user_id: userOf(call),
        feature: field(call.req.body, 'feature') as GoogleFeature,
      })
      call.res.redirect(303, `${GOOGLE_PAGE}?done=turned_off`)
    }),
  )

  router.post(
    `${GOOGLE_PAGE}/sync`,
    googleRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: `No sync was asked for. ${err.message}` }))
      await callAction(call.caller, syncGoogleNow, { user_id: userOf(call) })
      call.res.redirect(303, `${GOOGLE_PAGE}?done=sync`)
    }),
  )
  return router
}

/** The features ticked (a box per feature sends its name); none ticked is refused here, naming the boxes. */
function featuresOf(body: unknown): GoogleFeature[] {
  const sent = (body as Record<string, unknown> | undefined)?.features
  const list = (Array.isArray(sent) ? sent : sent === undefined ? [] : [sent]).map(String)
  if (!list.length) throw validationError([{ field: 'data.features', message: 'tick at least one feature (Calendar, Contacts or Gmail)' }])
  return list as GoogleFeature[]
}

/** The account a button names (the owner's buttons on a team member's account), or none for the person's own. */
function userOf(call: PageCall): string | undefined {
  return field(call.req.body, 'user_id') || undefined
}

/** Renders the signed-in person's Google page as things are now. */
async function showPage(call: PageCall, opts: { ok?: string; error?: string; status?: number }): Promise<void> {
  const { services, session } = call
  const [accounts, business] = await Promise.all([
    callQuery(call.caller, googleConnectionQuery, { limit: 100 }),
    callQuery(call.caller, businessQuery, { id: session.tenantId }),
  ])
  const self = session.actor.id
  const mine = accounts.items.find((a) => a.id === self) ?? null
  const off = googleOffReason(services)
  const timezone = business.timezone
  if (roleOf(call) === 'technician') return sendTechnicianGoogle(call, { mine, off, timezone }, opts)
  const csrf = session.csrfToken
  const label = !mine ? 'Connect Google' : mine.status === 'connected' ? 'Connect the ticked features' : 'Connect Google again'
  const connect = off
    ? offNotice(off, googleCallbackUrl(services))
    : html`${mine?.status === 'needs_reconnect' ? html`<p class="wrap">${accountSentence(mine, timezone)}</p>` : ''}${connectForm(
        csrf,
        GOOGLE_FEATURES,
        mine,
        label,
      )}`
  const body = html`<p class="note">Connect your Google account for the features you want: Google asks you only for what they
need, and you can turn each off again. Each technician connects their own calendar from their own Google page.</p>
<h2>Your Google account</h2>${connect}
${await featureSections({ call, role: 'owner', mine, timezone })}
<h2>Google accounts in the business</h2>${
    accounts.items.length
      ? accounts.items.map((a) => accountCard(a, { csrf, timezone, self: a.id === self, sync: !off }))
      : html`<p class="muted">Nobody has connected a Google account yet.</p>`
  }
<p class="note"><a href="/settings">Back to settings</a></p>`
  sendOwnerPage(call.res, 'Google', body, { ...opts, formTargets: consentSites(googleClientOf(services)) })
}

/** One person's account: who, where it stands, the last sync, and its buttons. */
function accountCard(a: GoogleAccount, opts: { csrf: string; timezone: string; self: boolean; sync: boolean }): SafeHtml {
  const who = a.user_name || (a.role === 'owner' ? 'The owner' : 'A technician')
  return html`<div class="card"><p><b>${who}</b> (${opts.self ? 'you' : a.role})</p>
<p class="wrap">${accountSentence(a, opts.timezone)}</p>${syncFacts(a, opts.timezone)}${turnOffButtons(a, opts.csrf, !opts.self)}${accountButtons(
    a,
    opts.csrf,
    { forOther: !opts.self, sync: opts.sync },
  )}</div>`
}

/** The Google page as things are now, with a line of news or a refusal: what the feature sections' forms answer with. */
export { showPage as showGoogle }
