import { html, type SafeHtml } from '../../html.js'
import { changeRequestsPart } from './google-changes-section.js'
import { featureOnFor, type GoogleSectionView } from './google-section.js'

/**
 * The Calendar section of the Google page, for the owner and each technician: what the calendar feature does and
 * whether it is on; for the owner, the changes made in Google waiting for an answer. The choice of the Google calendar the visits go to belongs in this section.
 */
export async function calendarSection(view: GoogleSectionView): Promise<SafeHtml> {
  const on = featureOnFor(view, 'calendar')
  return html`<section aria-labelledby="google-calendar"><h2 id="google-calendar">Calendar</h2>
<p class="note">Your visits are written to your Google calendar (the customer, the address, the services and a link to the visit).
A visit moved or deleted there comes back as a request the owner or the office manager answers, never changed on its own;
a busy time you add in Google keeps that time free of new bookings.</p>
<p class="muted">${on ? 'On for your account.' : 'Off for your account: connect Google with Calendar ticked to turn it on.'}</p>${
    view.role === 'owner' ? await changeRequestsPart(view) : ''
  }</section>`
}
