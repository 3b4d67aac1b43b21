import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatTable } from '../../bench/table.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { acceptable, recovery, startTraffic, until, type Answer } from './traffic.js'

/** The server's own limits, short so a fault shows within a test; the defaults are longer. */
const LIMITS = {
  CRM_DB_CONNECT_TIMEOUT_MS: '1500',
  CRM_DB_STATEMENT_TIMEOUT_MS: '2000',
  CRM_DB_QUERY_TIMEOUT_MS: '2500',
  CRM_READY_TIMEOUT_MS: '1000',
}
/** No answer may take longer than this during a fault: the longest limit above, with room for a slow machine. */
const ANSWER_BOUND_MS = 6_000
/** Service must be back this soon after the database is. */
const RECOVERY_BOUND_S = 10

/** One row of the figures printed at the end. */
interface Figures {
  fault: string
  answered: number
  ok: number
  unavailable: number
  other: number
  slowestMs: number
  recoveryS: number
}

// Faults are made on a PostgreSQL server: a test database of our own behind a relay we can stall and cut.
describe.skipIf(!process.env.TEST_DATABASE_URL)('the server under database faults (a real process on PostgreSQL)', () => {
  let t: TestDatabase
  let dbName: string
  /** The server's own role, TEST_DATABASE_URL's: only it may end other roles' connections and close the database to them. */
  let admin: pg.Client
  let proxy: TcpProxy
  let server: ServerProcess
  let token: string
  const figures: Figures[] = []

  /** Ends every connection to the test database but the admin's own; returns how many were ended. */
  const terminateBackends = async () =>
    (
      await admin.query<{ n: number }>(
        `select count(*)::int as n from (select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()) k`,
        [dbName],
      )
    ).rows[0].n

  /** Runs traffic through a fault until `observed` says it was seen, ends the fault, and checks the answers and the recovery. */
  const throughFault = async (
    fault: string,
    start: () => Promise<void>,
    observed: (during: Answer[]) => boolean,
    end: () => Promise<void>,
    tick?: () => Promise<void>,
  ) => {
    const traffic = startTraffic(server.url, token, { clients: 6, boundMs: ANSWER_BOUND_MS })
    await until('traffic before the fault', () => traffic.answers.length >= 6, 10_000)
    const before = traffic.answers.length
    await start()
    try {
      // Waits until the fault shows, or stops at once when an answer is already wrong (a 500, no answer, a dead process).
      await until(
        `the fault "${fault}" to show in the answers`,
        async () => {
          await tick?.()
          const during = traffic.answers.slice(before)
          return server.exit !== null || during.some((a) => !acceptable(a)) || observed(during)
        },
        40_000,
        100,
      )
    } finally {
      await traffic.stop()
      await end()
    }
    const back = await recovery(server.url, token, { boundMs: ANSWER_BOUND_MS, timeoutMs: RECOVERY_BOUND_S * 1000 + 5_000 })
    const all = [...traffic.answers, ...back.answers]
    const unacceptable = all.filter((a) => !acceptable(a))
    figures.push({
      fault,
      answered: all.filter((a) => !a.failure).length,
      ok: all.filter((a) => a.status >= 200 && a.status < 300).length,
      unavailable: all.filter((a) => a.status === 503).length,
      other: unacceptable.length,
      slowestMs: Math.max(...all.map((a) => a.ms)),
      recoveryS: back.seconds,
    })
    expect(unacceptable.slice(0, 5), `answers other than success or 503 with Retry-After during "${fault}"`).toEqual([])
    expect(Math.max(...all.map((a) => a.ms))).toBeLessThan(ANSWER_BOUND_MS)
    expect(back.seconds).toBeLessThan(RECOVERY_BOUND_S)
    expect(server.exit, server.output().slice(-2000)).toBeNull()
    return all
  }

  beforeAll(async () => {
    t = await freshDatabase('postgres')
    dbName = new URL(t.url!).pathname.slice(1)
    token = (await createTenant(t.db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })).agent_token
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
    await admin.connect()
    const target = new URL(t.url!)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    const viaProxy = new URL(t.url!)
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    server = await startServerProcess({ DATABASE_URL: viaProxy.toString(), LOG_LEVEL: 'warn', CRM_WORKER: 'on', ...LIMITS })
  })
  afterAll(async () => {
    if (figures.length) {
      console.log(
        `\nDatabase faults under traffic (answer bound ${ANSWER_BOUND_MS} ms, recovery bound ${RECOVERY_BOUND_S} s)\n${formatTable(
          ['fault', 'answered', '2xx', '503', 'other', 'slowest ms', 'recovery s'],
          figures.map((f) => [
            f.fault,
            String(f.answered),
            String(f.ok),
            String(f.unavailable),
            String(f.other),
            String(f.slowestMs),
            f.recoveryS.toFixed(2),
          ]),
        )}`,
      )
    }
    await server?.stop()
    await proxy?.close()
    await admin?.query(`alter database ${dbName} allow_connections true`).catch(() => {})
    await admin?.end()
    await t?.dispose()
  })

  it('terminated connections (pg_terminate_backend during a burst): the process stays up and answers every request', async () => {
    let rounds = 0
    let ended = 0
    const all = await throughFault(
      'terminate backends',
      async () => {},
      () => rounds >= 15 && ended >= 10,
      async () => {},
      async () => {
        rounds += 1
        ended += await terminateBackends()
      },
    )
    expect(all.filter((a) => a.status >= 200 && a.status < 300).length).toBeGreaterThan(0)
  })

  it('a database refusing connections (allow_connections false): 503 with Retry-After until it accepts again', async () => {
    const all = await throughFault(
      'refuse connections',
      async () => {
        await admin.query(`alter database ${dbName} allow_connections false`)
        await terminateBackends()
      },
      (during) => during.filter((a) => a.status === 503).length >= 20,
      async () => {
        await admin.query(`alter database ${dbName} allow_connections true`)
      },
    )
    expect(all.some((a) => a.request === 'POST /api/actions' && a.status === 503)).toBe(true)
  })

  it('a stalled network (no packets flow): answers come within the limits, /readyz within its own, then service returns', async () => {
    const all = await throughFault(
      'stalled network',
      async () => proxy.pause(),
      (during) =>
        during.filter((a) => a.status === 503 && a.request === 'GET /api/data').length >= 3 &&
        during.some((a) => a.status === 503 && a.request === 'GET /readyz'),
      async () => proxy.resume(),
    )
    const readyz = all.filter((a) => a.request === 'GET /readyz' && a.status === 503)
    // /readyz answers within its own limit (1 s here), far sooner than the statement limits.
    expect(Math.min(...readyz.map((a) => a.ms))).toBeLessThan(2_000)
  })

  it('a restart (every connection ended, then connections refused, then back): 503 while down, service returns by itself', async () => {
    await throughFault(
      'restart',
      async () => {
        await proxy.refuse()
        await terminateBackends()
      },
      (during) => during.filter((a) => a.status === 503).length >= 20,
      async () => proxy.accept(),
    )
  })

  it('the server is still the same process, and no request was answered 500', () => {
    expect(server.exit).toBeNull()
    expect(server.output()).not.toMatch(/Unhandled 'error' event|unhandled error/)
  })
})
