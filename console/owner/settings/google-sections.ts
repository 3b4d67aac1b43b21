import { FEATURE_ROLES, GOOGLE_FEATURES, type GoogleFeature } from '../../../core/domains/google/features.js'
import { html, type SafeHtml } from '../../html.js'
import { calendarSection } from './google-calendar-section.js'
import { contactsSection } from './google-contacts-section.js'
import { gmailSection } from './google-gmail-section.js'
import type { GoogleSection, GoogleSectionView } from './google-section.js'

/** Each feature's section of the Google page, in the page's order; a feature's controls live in its own file. */
const SECTIONS: Record<GoogleFeature, GoogleSection> = {
  calendar: calendarSection,
  contacts: contactsSection,
  gmail: gmailSection,
}

/** The sections of the features the viewer's role may turn on. */
export async function featureSections(view: GoogleSectionView): Promise<SafeHtml> {
  const shown = GOOGLE_FEATURES.filter((f) => FEATURE_ROLES[f].includes(view.role))
  return html`${await Promise.all(shown.map((f) => SECTIONS[f](view)))}`
}
