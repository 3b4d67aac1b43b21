import { randomUUID } from 'node:crypto'
import type { Services } from '../../kernel/context.js'
import { withTenant, withWorkerRole } from '../../db/tenant.js'
import { log } from '../../kernel/log.js'
import type { CapabilityJob, JobFailure } from '../../kernel/plug-in.js'
import { googleClientOf } from './availability.js'
import { GOOGLE_LEASE_MS, type GoogleSyncReport, syncGoogleAccount, waitsAfter } from './sync/sync-account.js'

/**
 * A connected account syncs at least this often: a change made in Google comes back within a minute by polling where
 * Google cannot push to us; a change here, a push or a request brings it forward.
 */
export const GOOGLE_SYNC_EVERY_SECONDS = 30

/** After Google failed as a whole (down, throttling past our retries), the account waits this long. */
export const GOOGLE_BACKOFF_MS = 2 * 60_000

/** What one pass over the connected accounts did. */
export interface GooglePass {
  synced: Array<{ tenant_id: string; user_id: string; report: GoogleSyncReport }>
  failures: JobFailure[]
}

/**
 * Syncs every connected Google account that is due, each under a lease so that two worker processes never sync one
 * account at once. A failed sync keeps its words on the connection (the settings page and daily_briefing show them) and
 * waits before the next try when the trouble may pass.
 */
export async function syncGoogle(services: Services): Promise<GooglePass> {
  const pass: GooglePass = { synced: [], failures: [] }
  if (!googleClientOf(services) || !services.secrets) return pass
  const now = services.now()
  const due = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string; user_id: string }>('select tenant_id, user_id from google_connections_due($1, $2)', [
      now,
      GOOGLE_SYNC_EVERY_SECONDS,
    ]),
  )
  for (const { tenant_id: tenantId, user_id: userId } of due.rows) {
    const holder = randomUUID()
    const scope = { tenantId, actorType: 'system' as const, requestId: `google-sync-${now.toISOString()}` }
    const leased = await withTenant(services.db, scope, (tx) =>
      tx.query(
        `update google_connections set lease_until = $1, lease_holder = $2
         where user_id = $3 and status = 'connected' and (lease_until is null or lease_until < $4) returning user_id`,
        [new Date(now.getTime() + GOOGLE_LEASE_MS), holder, userId, now],
      ),
    )
    if (!leased.rows.length) continue
    const startedAt = services.now()
    try {
      const report = await syncGoogleAccount(services, tenantId, userId, holder)
      await withTenant(services.db, scope, (tx) =>
        tx.query(
          `update google_connections set last_sync_at = $1, last_sync_error = null, backoff_until = null,
             lease_until = null, lease_holder = null where lease_holder = $2`,
          [startedAt, holder],
        ),
      )
      pass.synced.push({ tenant_id: tenantId, user_id: userId, report })
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'Google sync failed for one account', { tenant_id: tenantId, user_id: userId, error })
      pass.failures.push({ tenant_id: tenantId, job: 'google', error })
      await withTenant(services.db, scope, (tx) =>
        tx.query(
          `update google_connections set last_sync_at = $1, last_sync_error = $2, backoff_until = $3,
             lease_until = null, lease_holder = null where lease_holder = $4`,
          [startedAt, error.slice(0, 2000), waitsAfter(err) ? new Date(services.now().getTime() + GOOGLE_BACKOFF_MS) : null, holder],
        ),
      ).catch((e) => log('error', 'could not record a failed Google sync', { tenant_id: tenantId, error: String(e) }))
    }
  }
  return pass
}

/** The worker runs it beside the other jobs, one run per process at a time: a calendar's first push may take minutes at Google's rate limit. */
export const googleSyncJob: CapabilityJob = {
  name: 'google-sync',
  failure: 'syncing Google failed',
  async pass(services) {
    return { failures: (await syncGoogle(services)).failures }
  },
}
