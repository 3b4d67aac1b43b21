import { GoogleError } from '../../../clients/google.js'
import type { Services } from '../../../kernel/context.js'
import { withTenant } from '../../../db/tenant.js'
import { AppError } from '../../../kernel/errors.js'
import { loadGoogleConnection } from '../connection.js'
import { featureGranted } from '../features.js'
import { accountCaller, notConnected } from '../tokens.js'
import { GOOGLE_STEPS } from './step-list.js'
import type { GoogleStepReport } from './steps.js'

/** How long one worker holds an account's sync before another may take it over. */
export const GOOGLE_LEASE_MS = 10 * 60_000

/** A sync of one account: each step's report, and the steps that failed with their words. */
export interface GoogleSyncReport {
  steps: Record<string, GoogleStepReport>
  failed: Record<string, string>
}

/** Whether an error should make the account wait before its next try (Google down or throttling past our retries). */
export function waitsAfter(err: unknown): boolean {
  return !(err instanceof AppError) && (!(err instanceof GoogleError) || err.retryable)
}

/**
 * Runs the steps of every feature the person turned on and Google granted. One step failing does not hold up the
 * others; a refused token (the person revoked the app) stops them all. Throws when any failed, naming each.
 */
export async function syncGoogleAccount(services: Services, tenantId: string, userId: string, holder: string): Promise<GoogleSyncReport> {
  const scope = { tenantId, actorType: 'system' as const, requestId: `google-sync-${userId}` }
  const loaded = await withTenant(services.db, scope, async (tx) => {
    const connection = await loadGoogleConnection(tx, userId)
    const role = await tx.query<{ role: 'owner' | 'technician' }>('select role from users where id = $1', [userId])
    return { connection, role: role.rows[0]?.role ?? 'technician' }
  })
  const connection = loaded.connection
  if (connection?.status !== 'connected') throw notConnected(connection?.status, connection?.status_reason)
  const caller = accountCaller(services, tenantId, userId)
  const report: GoogleSyncReport = { steps: {}, failed: {} }
  let firstError: unknown = null
  for (const step of GOOGLE_STEPS) {
    if (!connection[`${step.feature}_on`] || !featureGranted(step.feature, connection.scopes)) continue
    try {
      report.steps[step.name] = await step.sync({ services, tenantId, userId, role: loaded.role, connection, caller, holder })
    } catch (err) {
      firstError ??= err
      report.failed[step.name] = err instanceof Error ? err.message : String(err)
      // A refused token fails every step the same way: stop at the first.
      if (err instanceof AppError && err.code === 'CONFLICT') break
    }
  }
  if (firstError) {
    const words = Object.entries(report.failed)
      .map(([name, error]) => `${name}: ${error}`)
      .join('; ')
    if (firstError instanceof GoogleError)
      throw new GoogleError({ message: words, status: firstError.status, reason: firstError.reason, retryable: firstError.retryable })
    if (firstError instanceof AppError) throw new AppError(firstError.code, words)
    throw new Error(words)
  }
  return report
}
