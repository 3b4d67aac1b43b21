import type { z } from 'zod'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import type { GoogleClient } from '../../../core/clients/google.js'
import type { GOOGLE_CONNECTION_RECORD } from '../../../core/domains/google/connection-query.js'
import { GOOGLE_FEATURES, type GoogleFeature } from '../../../core/domains/google/features.js'
import { form, html, type SafeHtml } from '../../html.js'

/** A person's Google account as the pages read it (google_connection). */
export type GoogleAccount = z.output<typeof GOOGLE_CONNECTION_RECORD>

/** Where everyone connects and watches their Google account. */
export const GOOGLE_PAGE = '/settings/google'

/**
 * The site of Google's consent page, where the Connect form's answer leads: a page's forms may go only where its
 * Content-Security-Policy names, redirects included. None while Google is off.
 */
export function consentSites(google: GoogleClient | null): string[] {
  return google ? [new URL(google.authorizeUrl({ state: 'x', redirectUri: 'x', scopes: [] })).origin] : []
}

/** Each feature in a person's words: its name and what it does once on. */
export const FEATURE_WORDS: Record<GoogleFeature, { name: string; about: string }> = {
  calendar: {
    name: 'Calendar',
    about: 'your visits written to your Google calendar, and changes made there brought back as requests to answer',
  },
  contacts: { name: 'Contacts', about: "the business's Google contacts brought in as customers" },
  gmail: { name: 'Gmail', about: 'emails with customers on their timeline, and new work asked for by email as leads' },
}

/** The features on for an account, in words: "Calendar and Gmail", or null when none. */
export function featuresOn(a: GoogleAccount): string | null {
  const on = GOOGLE_FEATURES.filter((f) => a.features[f]).map((f) => FEATURE_WORDS[f].name)
  if (!on.length) return null
  return on.length === 1 ? on[0] : `${on.slice(0, -1).join(', ')} and ${on[on.length - 1]}`
}

/** An account's state in one plain sentence; a refused grant says to connect again and why. */
export function accountSentence(a: GoogleAccount, tz: string): SafeHtml {
  const email = html`<b>${a.google_email}</b>`
  if (a.status === 'connected') {
    const on = featuresOn(a)
    return html`Connected as ${email} since ${formatInstant(a.connected_at, tz)}. ${on ? `On: ${on}.` : 'No feature is on.'}`
  }
  if (a.status === 'needs_reconnect') {
    return html`<span class="err">Google stopped syncing ${email}: connect again.</span> ${a.status_reason ?? ''} Nothing is written to or read from Google until then.`
  }
  if (a.status === 'off') {
    return html`<span class="warn">Connected as ${email}, but Google is off on this server.</span> ${a.status_reason ?? ''} Nothing is written to or read from Google until it is on again; the connection is kept.`
  }
  return html`Disconnected from ${email}${a.status_reason ? html` (${a.status_reason})` : ''}. Nothing is written to or read from Google.`
}

/** When the account last synced, and Google's words when that failed. */
export function syncFacts(a: GoogleAccount, tz: string): SafeHtml | '' {
  if (a.status !== 'connected') return ''
  const when = a.last_sync_at ? `Last sync ${formatInstant(a.last_sync_at, tz)}.` : 'The first sync has not run yet.'
  return html`<p class="muted">${when}${a.sync_requested_at && (!a.last_sync_at || a.sync_requested_at > a.last_sync_at) ? ' A sync is asked for.' : ''}</p>${
    a.last_sync_error ? html`<p class="warn wrap">The last sync failed: ${a.last_sync_error}</p>` : ''
  }`
}

/** Why this server cannot connect Google, and what its operator sets so it can. */
export function offNotice(reason: string, callbackUrl: string): SafeHtml {
  return html`<p class="warn wrap">${reason}.</p>
<p class="note wrap">To turn Google on, make an OAuth client in Google Cloud (a web application) whose authorized redirect URI is
<code>${callbackUrl}</code>, then set <code>GOOGLE_CLIENT_ID</code>, <code>GOOGLE_CLIENT_SECRET</code> and
<code>CRM_ENCRYPTION_KEY</code> (tokens are stored sealed with it) and restart. docs/google.md says it step by step.</p>`
}

/**
 * The Connect form: a box for each feature the person may turn on (those on already ticked), or the one feature when
 * there is no choice, posting to google.connect; Google asks only for the ticked features' permissions.
 */
export function connectForm(csrf: string, allowed: readonly GoogleFeature[], mine: GoogleAccount | null, label: string): SafeHtml {
  const connected = mine?.status === 'connected'
  const ticked = (f: GoogleFeature) => (connected ? mine.features[f] : f === 'calendar')
  const boxes =
    allowed.length === 1
      ? html`<input type="hidden" name="features" value="${allowed[0]}">`
      : html`<fieldset><legend>Features</legend>${allowed.map(
          (f) =>
            html`<label class="c"><input type="checkbox" name="features" value="${f}"${ticked(f) ? html` checked` : ''}> <b>${FEATURE_WORDS[f].name}</b>: ${FEATURE_WORDS[f].about}</label>`,
        )}</fieldset>`
  return html`${form(`${GOOGLE_PAGE}/connect`, csrf, html`${boxes}<button>${label}</button>`)}
<p class="note">You sign in at Google and allow what is asked; Google then sends you back here.</p>`
}

/** Turn off, one button per feature on; names the account when it is someone else's. */
export function turnOffButtons(a: GoogleAccount, csrf: string, forOther: boolean): SafeHtml | '' {
  const on = GOOGLE_FEATURES.filter((f) => a.features[f])
  if (a.status !== 'connected' || !on.length) return ''
  return html`<div class="row">${on.map((f) =>
    form(
      `${GOOGLE_PAGE}/turn-off`,
      csrf,
      html`${forOther ? html`<input type="hidden" name="user_id" value="${a.id}">` : ''}<input type="hidden" name="feature" value="${f}"><button class="second small">Turn off ${FEATURE_WORDS[f].name}</button>`,
    ),
  )}</div>`
}

/** Disconnect (and Sync now where the viewer may ask for one). */
export function accountButtons(a: GoogleAccount, csrf: string, opts: { forOther: boolean; sync: boolean }): SafeHtml | '' {
  if (a.status === 'disconnected') return ''
  const who = opts.forOther ? html`<input type="hidden" name="user_id" value="${a.id}">` : ''
  const sync =
    opts.sync && a.status === 'connected'
      ? form(
          `${GOOGLE_PAGE}/sync`,
          csrf,
          html`<input type="hidden" name="user_id" value="${a.id}"><button class="second">Sync now</button>`,
        )
      : ''
  return html`<div class="row">${sync}${form(`${GOOGLE_PAGE}/disconnect`, csrf, html`${who}<button class="deny">Disconnect</button>`)}</div>`
}
