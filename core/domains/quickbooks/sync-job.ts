import { randomUUID } from 'node:crypto'
import type { JobFailure } from '../../kernel/plug-in.js'
import { QuickBooksError } from './client/quickbooks.js'
import type { Services } from '../../kernel/context.js'
import { withTenant, withWorkerRole } from '../../db/tenant.js'
import { log } from '../../kernel/log.js'
import { quickbooksClientOf } from './availability.js'
import { LEASE_MS, syncCompany } from './sync/sync-company.js'
import type { SyncReport } from './sync/sync-run.js'

/** A connected company syncs at least this often; a change, a webhook or a request brings it forward. */
export const QUICKBOOKS_SYNC_EVERY_SECONDS = 5 * 60

/** After QuickBooks failed as a whole (down, throttling past our retries), the company waits this long. */
export const QUICKBOOKS_BACKOFF_MS = 5 * 60_000

/** What one pass over the connected companies did. */
export interface QuickBooksPass {
  synced: Array<{ tenant_id: string; report: SyncReport }>
  failures: JobFailure[]
}

/**
 * Syncs every business's company that is due (asked for, or not synced for QUICKBOOKS_SYNC_EVERY_SECONDS), each under a
 * lease so that two worker processes never sync one company at once. A sync that fails keeps its words on the
 * connection (the owner's page and daily_briefing show them) and waits before the next try when the trouble may pass.
 */
export async function syncQuickBooks(services: Services): Promise<QuickBooksPass> {
  const pass: QuickBooksPass = { synced: [], failures: [] }
  if (!quickbooksClientOf(services) || !services.secrets) return pass
  const now = services.now()
  const due = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from quickbooks_companies_due($1, $2)', [now, QUICKBOOKS_SYNC_EVERY_SECONDS]),
  )
  for (const { tenant_id: tenantId } of due.rows) {
    const holder = randomUUID()
    const scope = { tenantId, actorType: 'system' as const, requestId: `quickbooks-sync-${now.toISOString()}` }
    const leased = await withTenant(services.db, scope, (tx) =>
      tx.query(
        `update quickbooks_connections set lease_until = $1, lease_holder = $2
         where status = 'connected' and (lease_until is null or lease_until < $3) returning tenant_id`,
        [new Date(now.getTime() + LEASE_MS), holder, now],
      ),
    )
    if (!leased.rows.length) continue
    const startedAt = services.now()
    try {
      const report = await syncCompany(services, tenantId, holder)
      await withTenant(services.db, scope, (tx) =>
        tx.query(
          `update quickbooks_connections set last_sync_at = $1, last_sync_error = null, backoff_until = null,
             lease_until = null, lease_holder = null where lease_holder = $2`,
          [startedAt, holder],
        ),
      )
      pass.synced.push({ tenant_id: tenantId, report })
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      const waits = !(err instanceof QuickBooksError) || err.retryable
      log('error', 'QuickBooks sync failed for one business', { tenant_id: tenantId, error })
      pass.failures.push({ tenant_id: tenantId, job: 'quickbooks', error })
      await withTenant(services.db, scope, (tx) =>
        tx.query(
          `update quickbooks_connections set last_sync_at = $1, last_sync_error = $2, backoff_until = $3,
             lease_until = null, lease_holder = null where lease_holder = $4`,
          [startedAt, error.slice(0, 2000), waits ? new Date(services.now().getTime() + QUICKBOOKS_BACKOFF_MS) : null, holder],
        ),
      ).catch((e) => log('error', 'could not record a failed QuickBooks sync', { tenant_id: tenantId, error: String(e) }))
    }
  }
  return pass
}
