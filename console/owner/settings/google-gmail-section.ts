import { html, type SafeHtml } from '../../html.js'
import { featureOnFor, type GoogleSectionView } from './google-section.js'

/**
 * The Gmail section of the Google page, the owner's only: what reading the business's mail does and whether it is on.
 * The choice of the labels read belongs in this section.
 */
export function gmailSection(view: GoogleSectionView): SafeHtml {
  const on = featureOnFor(view, 'gmail')
  return html`<section aria-labelledby="google-gmail"><h2 id="google-gmail">Gmail</h2>
<p class="note">Emails with a customer's address appear on the customer's timeline (subject, a short preview, direction and date;
never attachments). An email from someone new asking for work becomes a lead.</p>
<p class="muted">${on ? 'On for your account.' : 'Off: connect Google with Gmail ticked to turn it on.'}</p></section>`
}
