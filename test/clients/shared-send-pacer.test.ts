import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACING_MARGIN_MS, SendTurnTooFarError } from '../../core/clients/send-pacer.js'
import { createSharedSendPacer } from '../../core/clients/shared-send-pacer.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { engines, freshDatabase, type TestDatabase } from '../helpers/databases.js'

/** Resend's default limit. */
const PER_SECOND = 2

describe.each(engines)('send pacing shared through the database on %s', (engine) => {
  let t: TestDatabase
  /** One connection pool per sending process; the embedded database has one process, so they share it there. */
  const processes: Database[] = []

  beforeAll(async () => {
    t = await freshDatabase(engine)
    for (let i = 0; i < 3; i++) processes.push(engine === 'postgres' ? openPostgres(t.url!, 4) : t.db)
  })
  afterAll(async () => {
    if (engine === 'postgres') await Promise.all(processes.map((db) => db.close()))
    await t?.dispose()
  })

  /** A pacer of one process for `sender`, whose sleeps are recorded instead of slept, so no test waits for real. */
  const pacerOf = (db: Database, sender: string, waits: number[] = [], maxWaitMs?: number, during?: () => Promise<void>) =>
    createSharedSendPacer(db, { sender, perSecond: PER_SECOND, maxWaitMs, sleep: async (ms) => {
      waits.push(ms)
      await during?.()
    } })
  const databaseNow = async () => (await t.db.query<{ now: Date }>('select clock_timestamp() as now')).rows[0].now.getTime()

  it('three processes sending side by side get turns at the configured pace: never more than 2 start in any second', async () => {
    const slots = (await Promise.all(processes.flatMap((db) => {
      const pacer = pacerOf(db, 'resend:side-by-side')
      return Array.from({ length: 8 }, () => pacer.turn())
    }))).map((d) => d.getTime()).sort((a, b) => a - b)
    expect(slots).toHaveLength(24)
    expect(new Set(slots).size).toBe(24)
    // Each turn is a gap after the one before: 1,050 ms for every two (the limit's second plus the pacing margin).
    for (let i = 1; i < slots.length; i++) expect(slots[i] - slots[i - 1]).toBeGreaterThanOrEqual((1000 + PACING_MARGIN_MS) / PER_SECOND - 0.001)
    // So a one-second window, wherever it starts, holds at most two turns: the third is more than a second after the first.
    for (let i = PER_SECOND; i < slots.length; i++) expect(slots[i] - slots[i - PER_SECOND]).toBeGreaterThan(1000)
  })

  it('each account has its own pace: a busy one does not slow another down', async () => {
    const busy = pacerOf(processes[0], 'resend:busy')
    await Promise.all([busy.turn(), busy.turn(), busy.turn()])
    const waits: number[] = []
    await pacerOf(processes[1], 'resend:quiet', waits).turn()
    expect(waits).toEqual([])
  })

  it('a hold set by one process (a 429\'s Retry-After) moves the turn another process was already waiting for', async () => {
    const sender = 'resend:held'
    await pacerOf(processes[0], sender).turn()
    const heldFrom: number[] = []
    const waits: number[] = []
    // The second process's turn is 525 ms away; while it waits, the first process meets a 429 and holds for 2 s.
    const turn = await pacerOf(processes[1], sender, waits, undefined, async () => {
      if (heldFrom.length) return
      heldFrom.push(await databaseNow())
      await pacerOf(processes[0], sender).holdFor(2)
    }).turn()
    expect(waits).toHaveLength(2)
    expect(waits[0]).toBeGreaterThan(0)
    // It took a new turn after the hold instead of going at its first one.
    expect(turn.getTime()).toBeGreaterThanOrEqual(heldFrom[0] + 2000)
    expect(waits[1]).toBeGreaterThan(1500)
  })

  it('a turn further away than the longest wait is not taken: the send is put off, and the pace behind the hold stays as it was', async () => {
    const sender = 'resend:long-hold'
    await pacerOf(processes[0], sender).holdFor(120)
    const refused = await pacerOf(processes[1], sender, [], 30_000).turn().catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(SendTurnTooFarError)
    expect((refused as SendTurnTooFarError).waitMs).toBeGreaterThan(110_000)
    expect((refused as SendTurnTooFarError).waitMs).toBeLessThanOrEqual(120_000)
    // A patient sender gets the very first moment after the hold: the refused ones took no turn there.
    const held = (await t.db.query<{ hold_until: Date }>('select hold_until from send_pacing where sender = $1', [sender])).rows[0].hold_until
    const turn = await pacerOf(processes[2], sender, [], 200_000).turn()
    expect(turn.getTime()).toBe(held.getTime())
  })

  it('the pacing row is not the app\'s: a request\'s role can neither read it nor take a turn', async () => {
    const asApp = (sql: string) => t.db.transaction((tx) => tx.query(sql), `select set_config('role', 'crm_app', true)`)
    await expect(asApp('select * from send_pacing')).rejects.toThrow(/permission denied/)
    await expect(asApp(`select * from claim_send_slot('resend:x', 500, 1000)`)).rejects.toThrow(/permission denied/)
  })
})
