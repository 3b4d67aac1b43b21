import { withWorkerRole } from '../db/tenant.js'
import type { Database } from '../db/types.js'
import { paceOf, SendTurnTooFarError, type SendPacer } from './send-pacer.js'

/** The longest a send waits for its turn; a later turn is not taken, and the send is put off instead (a worker's lease is 2 min). */
export const LONGEST_TURN_WAIT_MS = 30_000

/** How long a permit is held at most: the longest a send may take (EMAIL_TIMEOUT_MS) and some. */
const PERMIT_LEASE_MS = 30_000

/** What the pacing functions of migration 0037 answer. */
interface Step {
  outcome: 'go' | 'slot' | 'wait' | 'held' | 'too_far'
  permit: number | null
  wait_ms: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A pacer shared by every process sending through this database as `sender` (migration 0037): a send takes the next
 * slot of the sender's queue, then one of its permits, and gives the permit back once the provider answered, so
 * `perSecond` holds for all processes together. A hold (a 429's Retry-After) set by any process delays them all, even
 * sends already waiting for their slot. A turn more than `maxWaitMs` away is not taken: `turn()` throws SendTurnTooFarError.
 */
export function createSharedSendPacer(db: Database, opts: { sender: string; perSecond: number; maxWaitMs?: number }): SendPacer {
  const pace = paceOf(opts.perSecond)
  if (!Number.isFinite(pace.permits)) throw new Error(`a shared pace needs a rate, got ${opts.perSecond} per second`)
  const maxWaitMs = opts.maxWaitMs ?? LONGEST_TURN_WAIT_MS
  const call = async <T extends object>(sql: string, params: unknown[]) =>
    withWorkerRole(db, async (tx) => (await tx.query<T & Record<string, unknown>>(sql, params)).rows[0])
  const takeTurn = (waited: number) =>
    call<Step>('select outcome, permit, wait_ms from take_send_turn($1, $2, $3, $4, $5, $6)', [
      opts.sender,
      pace.gapMs,
      pace.permits,
      pace.windowMs,
      PERMIT_LEASE_MS,
      maxWaitMs - waited,
    ])
  const takePermit = () =>
    call<Step>('select outcome, permit, wait_ms from take_send_permit($1, $2, $3, $4)', [
      opts.sender,
      pace.permits,
      pace.windowMs,
      PERMIT_LEASE_MS,
    ])
  return {
    async turn() {
      const begun = Date.now()
      let step = await takeTurn(0)
      for (;;) {
        if (step.outcome === 'go') {
          const permit = step.permit
          return {
            startedAt: new Date(),
            done: async () => void (await call('select release_send_permit($1, $2, $3)', [opts.sender, permit, pace.windowMs])),
          }
        }
        const waited = Date.now() - begun
        if (step.outcome === 'too_far' || (step.outcome === 'wait' && waited + step.wait_ms > maxWaitMs))
          throw new SendTurnTooFarError(step.wait_ms)
        if (step.outcome === 'held') {
          // A hold began while this send waited for its slot: it takes a new turn, which comes after the hold.
          step = await takeTurn(waited)
          continue
        }
        await sleep(step.wait_ms)
        step = await takePermit()
      }
    },
    async holdFor(seconds) {
      await call('select hold_sends($1, $2)', [opts.sender, seconds])
    },
  }
}
