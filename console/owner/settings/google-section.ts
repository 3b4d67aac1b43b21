import type { SafeHtml } from '../../html.js'
import type { PageCall } from '../../page-route.js'
import type { GoogleAccount } from './google-views.js'

/** What a feature's section of the Google page is drawn from: the request, the viewer's own account and their role. */
export interface GoogleSectionView {
  call: PageCall
  role: 'owner' | 'technician'
  /** The signed-in person's own account, or null when they never connected one. */
  mine: GoogleAccount | null
  timezone: string
}

/** One feature's section of the Google page: what it does, where it stands, and its own controls. */
export type GoogleSection = (view: GoogleSectionView) => Promise<SafeHtml | ''> | SafeHtml | ''

/** Whether the feature is on for the viewer's own account. */
export function featureOnFor(view: GoogleSectionView, feature: 'calendar' | 'contacts' | 'gmail'): boolean {
  return view.mine?.status === 'connected' && view.mine.features[feature]
}
