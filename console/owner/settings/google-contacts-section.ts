import { html, type SafeHtml } from '../../html.js'
import { featureOnFor, type GoogleSectionView } from './google-section.js'

/**
 * The Contacts section of the Google page, the owner's only: what bringing Google contacts in does and whether it is
 * on. The import of the contacts and its results belong in this section.
 */
export function contactsSection(view: GoogleSectionView): SafeHtml {
  const on = featureOnFor(view, 'contacts')
  return html`<section aria-labelledby="google-contacts"><h2 id="google-contacts">Contacts</h2>
<p class="note">Your Google contacts come in as customers through the same import as a spreadsheet: you see first what would be
made and matched (by email or phone), nothing is brought in twice, and later changes in Google follow.</p>
<p class="muted">${on ? 'On for your account.' : 'Off: connect Google with Contacts ticked to turn it on.'}</p></section>`
}
