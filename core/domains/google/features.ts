import { GOOGLE_SCOPES } from '../../clients/google.js'

/** What a connected Google account can be used for, each turned on by its person. */
export const GOOGLE_FEATURES = ['calendar', 'contacts', 'gmail'] as const

/** One feature of a Google connection. */
export type GoogleFeature = (typeof GOOGLE_FEATURES)[number]

/** The scopes each feature needs, asked for only when it is turned on. */
export const FEATURE_SCOPES: Record<GoogleFeature, string[]> = {
  calendar: [GOOGLE_SCOPES.calendar, GOOGLE_SCOPES.calendarList],
  contacts: [GOOGLE_SCOPES.contacts],
  gmail: [GOOGLE_SCOPES.gmail],
}

/** The business's contacts and mail are the owner's to bring in; everyone may connect their own calendar. */
export const FEATURE_ROLES: Record<GoogleFeature, ReadonlyArray<'owner' | 'technician'>> = {
  calendar: ['owner', 'technician'],
  contacts: ['owner'],
  gmail: ['owner'],
}

/** Whether every scope of a feature is among those granted. */
export function featureGranted(feature: GoogleFeature, scopes: readonly string[]): boolean {
  return FEATURE_SCOPES[feature].every((s) => scopes.includes(s))
}
