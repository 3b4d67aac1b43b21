import { html } from '../html.js'
import { googleClientOf } from '../../core/domains/google/availability.js'
import type { GoogleSectionView } from '../owner/settings/google-section.js'
import { calendarSection } from '../owner/settings/google-calendar-section.js'
import { layout, viewerOf } from '../layout.js'
import {
  accountButtons,
  accountSentence,
  connectForm,
  consentSites,
  type GoogleAccount,
  syncFacts,
} from '../owner/settings/google-views.js'
import { sendPage } from '../send-page.js'
import type { PageCall } from './context.js'

/**
 * A technician's Google page: their own calendar only. Connect it (or connect again after Google refused it), see where
 * it stands, and disconnect it.
 */
export async function sendTechnicianGoogle(
  call: PageCall,
  view: { mine: GoogleAccount | null; off: string | null; timezone: string },
  opts: { ok?: string; error?: string; status?: number },
): Promise<void> {
  const { mine, off, timezone } = view
  const csrf = call.session.csrfToken
  const section: GoogleSectionView = { call, role: 'technician', mine, timezone }
  const calendarOn = mine?.status === 'connected' && mine.features.calendar
  const connect = off
    ? html`<p class="warn wrap">Google Calendar cannot be connected on this server yet: the owner sees what to set on their Google page.</p>`
    : calendarOn
      ? ''
      : connectForm(csrf, ['calendar'], mine, mine ? 'Connect my Google Calendar again' : 'Connect my Google Calendar')
  const buttons = mine ? accountButtons(mine, csrf, { forOther: false, sync: false }) : ''
  const body = html`<p class="wrap">${
    mine
      ? accountSentence(mine, timezone)
      : 'Not connected. Connect your Google Calendar to see your visits there, kept up to date both ways.'
  }</p>
${mine ? syncFacts(mine, timezone) : ''}${connect}${await calendarSection(section)}${buttons ? html`<h2>Your Google account</h2>${buttons}` : ''}
<p class="note">Only your calendar is connected here; you can disconnect it at any time. <a href="/calendar">Calendar on my phone</a> gives
a read-only link instead.</p>`
  const page = layout({ title: 'Google Calendar', body, ok: opts.ok, error: opts.error, viewer: viewerOf(call.session) })
  sendPage(call.res, page, { status: opts.status, formTargets: consentSites(googleClientOf(call.services)) })
}
