import type { GoogleCaller } from '../../../clients/google.js'
import type { Services } from '../../../kernel/context.js'
import type { StoredGoogleConnection } from '../connection.js'
import type { GoogleFeature } from '../features.js'

/** What a feature's step syncs with: one person's connected account, leased to this worker. */
export interface GoogleRun {
  services: Services
  tenantId: string
  userId: string
  role: 'owner' | 'technician'
  connection: StoredGoogleConnection
  caller: GoogleCaller
  /** The lease holder: a step that runs long checks it still holds the account. */
  holder: string
}

/** What one step did, counted (written, read, skipped...), for the worker's log and the bench. */
export type GoogleStepReport = Record<string, number>

/** One feature's part of an account's sync. */
export interface GoogleStep {
  feature: GoogleFeature
  name: string
  sync(run: GoogleRun): Promise<GoogleStepReport>
}
