import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paceOf, SendTurnTooFarError } from '../../core/clients/send-pacer.js'
import { createSharedSendPacer } from '../../core/clients/shared-send-pacer.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../helpers/databases.js'

// Both engines: what it checks differs between the engines.

describe.each(bothEngines)('send pacing shared through the database on %s', (engine) => {
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

  const pacerOf = (db: Database, sender: string, perSecond: number, maxWaitMs?: number) =>
    createSharedSendPacer(db, { sender, perSecond, maxWaitMs })
  const pacingOf = async (sender: string) =>
    (await t.admin.query<{ next_at: Date; hold_until: Date }>('select next_at, hold_until from send_pacing where sender = $1', [sender]))
      .rows[0]

  it("three processes sending side by side never have more sends out than the limit in any window after the provider's answer", async () => {
    // 20 a second: 20 permits, each free again 1,000 ms after the provider answered its send. 8 sends of each process at once.
    const perSecond = 20
    const { permits, windowMs } = paceOf(perSecond)
    const sends = await Promise.all(
      processes.flatMap((db) => {
        const pacer = pacerOf(db, 'resend:side-by-side', perSecond)
        return Array.from({ length: 8 }, async () => {
          const turn = await pacer.turn()
          const start = Date.now()
          // The provider takes a while to answer, more for some sends than others.
          await new Promise((r) => setTimeout(r, Math.random() * 30))
          const answered = Date.now()
          await turn.done()
          return { start, answered }
        })
      }),
    )
    expect(sends).toHaveLength(24)
    // Wherever the provider counted a send (between its start and its answer), no window of a second holds more than
    // 20: when each send started, fewer than 20 others had started and not yet been answered a second before.
    for (const s of sends) {
      const counted = sends.filter((o) => o.start <= s.start && s.start < o.answered + windowMs)
      expect(counted.length).toBeLessThanOrEqual(permits)
    }
    // 24 sends with 20 permits: the last 4 waited for the first answers plus a second.
    const starts = sends.map((s) => s.start).sort((a, b) => a - b)
    expect(starts[20] - starts[0]).toBeGreaterThanOrEqual(windowMs)
  })

  it('at 2 a second, the third send starts a second after the provider answered the first', async () => {
    const pacer = pacerOf(processes[0], 'resend:two', 2)
    const other = pacerOf(processes[1], 'resend:two', 2)
    const first = await pacer.turn()
    const firstAnswered = Date.now()
    await first.done()
    const second = await other.turn()
    await second.done()
    const third = await pacer.turn()
    expect(third.startedAt.getTime() - firstAnswered).toBeGreaterThanOrEqual(1000)
    await third.done()
  })

  it('each account has its own pace: a busy one does not slow another down', async () => {
    const busy = pacerOf(processes[0], 'resend:busy', 1)
    await busy.turn()
    const started = Date.now()
    await (await pacerOf(processes[1], 'resend:quiet', 1).turn()).done()
    expect(Date.now() - started).toBeLessThan(500)
  })

  it("a hold set by one process (a 429's Retry-After) holds the sends another process was already waiting for", async () => {
    const sender = 'resend:held'
    // At 2 a second the second process's turn is half a second away when the third process meets a 429.
    await (await pacerOf(processes[0], sender, 2).turn()).done()
    const waiting = pacerOf(processes[1], sender, 2).turn()
    const heldFrom = Date.now()
    await pacerOf(processes[2], sender, 2).holdFor(1)
    const turn = await waiting
    await turn.done()
    expect(turn.startedAt.getTime() - heldFrom).toBeGreaterThanOrEqual(1000)
  })

  it('a turn further away than the longest wait is not taken: the send is put off, and the queue behind the hold stays as it was', async () => {
    const sender = 'resend:long-hold'
    await pacerOf(processes[0], sender, 2).holdFor(120)
    const before = await pacingOf(sender)
    const refused = await Promise.all(
      [1, 2, 3].map(() =>
        pacerOf(processes[1], sender, 2)
          .turn()
          .catch((err: unknown) => err),
      ),
    )
    for (const err of refused) {
      expect(err).toBeInstanceOf(SendTurnTooFarError)
      expect((err as SendTurnTooFarError).waitMs).toBeGreaterThan(110_000)
      expect((err as SendTurnTooFarError).waitMs).toBeLessThanOrEqual(120_000)
    }
    expect(await pacingOf(sender)).toEqual(before)
  })

  it('a permit left out by a process that died on its send is free again a window after its lease ended', async () => {
    const sender = 'resend:died'
    // Both permits of 2 a second out on sends whose process is gone: the next send waits.
    await pacerOf(processes[0], sender, 2).turn()
    await pacerOf(processes[0], sender, 2).turn()
    let started = false
    const next = pacerOf(processes[1], sender, 2)
      .turn()
      .then((turn) => {
        started = true
        return turn
      })
    await new Promise((r) => setTimeout(r, 1200))
    expect(started).toBe(false)
    // One lease ran out more than a second ago (as if its 30 s had passed).
    await t.admin.query(
      `update send_permits set lease_until = clock_timestamp() - interval '1.5 seconds' where sender = $1 and permit = 0`,
      [sender],
    )
    await (await next).done()
    expect(started).toBe(true)
  })

  it("the pacing is not the app's: a request's role can neither read it nor take a turn", async () => {
    const asApp = (sql: string) => t.db.transaction((tx) => tx.query(sql), `select set_config('role', 'crm_app', true)`)
    await expect(asApp('select * from send_pacing')).rejects.toThrow(/permission denied/)
    await expect(asApp('select * from send_permits')).rejects.toThrow(/permission denied/)
    await expect(asApp(`select * from take_send_turn('resend:x', 500, 2, 1000, 1000, 1000)`)).rejects.toThrow(/permission denied/)
    await expect(asApp(`select * from take_send_permit('resend:x', 2, 1000, 1000)`)).rejects.toThrow(/permission denied/)
  })
})
