import { withWorkerRole } from '../db/tenant.js'
import type { Database } from '../db/types.js'

/** One due message a worker holds: its tenant, its id, and the token of the lease that proves it still holds it. */
export interface ClaimedMessage {
  tenant_id: string
  id: string
  lease_token: string
}

/**
 * Leases up to `limit` due messages of every business, oldest first, skipping those another worker holds.
 * It runs as the worker role, which reads no table; the SQL function claim_due_messages (migration 0010) is the
 * one door to the cross-tenant queue, hands back only ids, tenants and the lease token, and a request's role cannot call it.
 */
export async function claimDueMessages(db: Database, opts: { limit: number; leaseSeconds: number; now: Date }): Promise<ClaimedMessage[]> {
  return withWorkerRole(db, async (tx) => {
    const r = await tx.query<ClaimedMessage>('select tenant_id, id, lease_token from claim_due_messages($1, $2, $3)', [
      opts.limit,
      opts.leaseSeconds,
      opts.now.toISOString(),
    ])
    return r.rows
  })
}
