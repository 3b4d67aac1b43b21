import { withWorkerRole } from '../db/tenant.js'
import type { Database } from '../db/types.js'
import { paceGapMs, SendTurnTooFarError, type SendPacer } from './send-pacer.js'

/** The longest a send waits for its turn; a later turn is not taken, and the send is put off instead (a worker's lease is 2 min). */
export const LONGEST_TURN_WAIT_MS = 30_000

/** How the shared pacer sleeps; tests may pass one that only records. */
type Sleep = (ms: number) => Promise<void>

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A pacer shared by every process sending through this database as `sender` (migration 0037): each send takes the next
 * slot of the sender's row, so `perSecond` holds for all of them together, and a hold (a 429's Retry-After) set by any
 * process delays them all, even those already waiting for a slot. A turn more than `maxWaitMs` away is not taken:
 * `turn()` throws SendTurnTooFarError.
 */
export function createSharedSendPacer(db: Database, opts: { sender: string; perSecond: number; maxWaitMs?: number; sleep?: Sleep }): SendPacer {
  const gapMs = paceGapMs(opts.perSecond)
  const maxWaitMs = opts.maxWaitMs ?? LONGEST_TURN_WAIT_MS
  const sleep = opts.sleep ?? realSleep
  return {
    async turn() {
      for (;;) {
        const r = await withWorkerRole(db, (tx) => tx.query<{ slot: Date; wait_ms: number; claimed: boolean }>(
          'select slot, wait_ms, claimed from claim_send_slot($1, $2, $3)', [opts.sender, gapMs, maxWaitMs]))
        const { slot, wait_ms: waitMs, claimed } = r.rows[0]
        if (!claimed) throw new SendTurnTooFarError(waitMs)
        if (waitMs <= 0) return slot
        await sleep(waitMs)
        // A hold set while this send waited for its slot applies to it too: it takes a new slot after the hold.
        const held = await withWorkerRole(db, (tx) => tx.query<{ until: Date | null }>('select send_hold_until($1) as until', [opts.sender]))
        const until = held.rows[0].until
        if (!until || until.getTime() <= slot.getTime()) return slot
      }
    },
    async holdFor(seconds) {
      await withWorkerRole(db, (tx) => tx.query('select hold_sends($1, $2)', [opts.sender, seconds]))
    },
  }
}
