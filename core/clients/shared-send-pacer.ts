import { withWorkerRole } from '../db/tenant.js'
import type { Database } from '../db/types.js'
import { paceOf, SendTurnTooFarError, type SendPacer } from './send-pacer.js'

/** The longest a send waits for its turn; a later turn is not taken, and the send is put off instead (a worker's lease is 2 min). */
export const LONGEST_TURN_WAIT_MS = 30_000

/** How long a permit is held at most: the longest a send may take (EMAIL_TIMEOUT_MS) and some. */
const PERMIT_LEASE_MS = 30_000

/** How the shared pacer sleeps; tests may pass one that only records. */
type Sleep = (ms: number) => Promise<void>

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A pacer shared by every process sending through this database as `sender` (migration 0037): a send takes the next
 * slot of the sender's queue, then one of its permits, and gives the permit back once the provider answered, so
 * `perSecond` holds for all processes together. A hold (a 429's Retry-After) set by any process delays them all, even
 * sends already waiting for their slot. A slot more than `maxWaitMs` away is not taken: `turn()` throws SendTurnTooFarError.
 */
export function createSharedSendPacer(db: Database, opts: { sender: string; perSecond: number; maxWaitMs?: number; sleep?: Sleep }): SendPacer {
  const pace = paceOf(opts.perSecond)
  const permits = Number.isFinite(pace.permits) ? pace.permits : 1
  const windowMs = Number.isFinite(pace.permits) ? pace.windowMs : 0
  const maxWaitMs = opts.maxWaitMs ?? LONGEST_TURN_WAIT_MS
  const sleep = opts.sleep ?? realSleep
  const call = <T>(sql: string, params: unknown[]) => withWorkerRole(db, async (tx) => (await tx.query<T & Record<string, unknown>>(sql, params)).rows[0])
  return {
    async turn() {
      const begun = Date.now()
      for (;;) {
        const slot = await call<{ slot: Date; wait_ms: number; claimed: boolean }>('select slot, wait_ms, claimed from claim_send_slot($1, $2, $3)',
          [opts.sender, pace.gapMs, maxWaitMs - (Date.now() - begun)])
        if (!slot.claimed) throw new SendTurnTooFarError(slot.wait_ms)
        if (slot.wait_ms > 0) await sleep(slot.wait_ms)
        for (;;) {
          const taken = await call<{ outcome: 'go' | 'wait' | 'held'; permit: number | null; wait_ms: number }>(
            'select outcome, permit, wait_ms from take_send_permit($1, $2, $3, $4)', [opts.sender, permits, windowMs, PERMIT_LEASE_MS])
          if (taken.outcome === 'held') break
          if (taken.outcome === 'go') {
            const permit = taken.permit
            return { startedAt: new Date(), done: () => call('select release_send_permit($1, $2, $3)', [opts.sender, permit, windowMs]).then(() => undefined) }
          }
          if (Date.now() - begun + taken.wait_ms > maxWaitMs) throw new SendTurnTooFarError(taken.wait_ms)
          await sleep(taken.wait_ms)
        }
      }
    },
    async holdFor(seconds) {
      await call('select hold_sends($1, $2)', [opts.sender, seconds])
    },
  }
}
