import http from 'node:http'
import { serveOnLoopback, type LoopbackServer } from './loopback.js'
import pg from 'pg'
import type { Database } from '../core/db/types.js'
import { closedLoop, eachOnce, type LoadResult } from './load.js'
import type { RecordedUnit } from './recording-database.js'

/** The SQL one search request sent, recorded from the app, with the query's kind. */
export interface RecordedSearch {
  kind: string
  q: string
  units: RecordedUnit[]
}

/** Where recorded SQL is replayed outside the app: a pool straight to PostgreSQL, or the PGlite itself. */
export interface SqlFloor {
  /** One bare `select 1`. */
  selectOne(): Promise<void>
  /** The units as the app sent them: each transaction with its setup, its statements and commit. */
  replay(units: RecordedUnit[]): Promise<void>
  close(): Promise<void>
}

/** A pool of `connections` straight to the server, no app code between. */
export function pgFloor(url: string, connections: number): SqlFloor {
  const pool = new pg.Pool({ connectionString: url, max: connections })
  pool.on('error', () => {})
  return {
    selectOne: async () => {
      await pool.query('select 1')
    },
    async replay(units) {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        for (const u of units) {
          const setup = u.statements.find((s) => s.withBegin)
          if (u.transaction) await client.query(setup ? `begin; ${setup.text}` : 'begin')
          for (const s of u.statements.filter((x) => !x.withBegin)) await client.query(s.text, s.params)
          if (u.transaction) await client.query('commit')
        }
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken = e))
        throw err
      } finally {
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}

/** The embedded engine opened on its own, statements sent to it directly (it runs one at a time whatever the clients). */
export function pgliteFloor(db: Database): SqlFloor {
  return {
    selectOne: async () => {
      await db.query('select 1')
    },
    async replay(units) {
      for (const u of units) {
        const setup = u.statements.find((s) => s.withBegin)
        const statements = u.statements.filter((s) => !s.withBegin)
        if (u.transaction) {
          await db.transaction(async (tx) => {
            for (const s of statements) await tx.query(s.text, s.params)
          }, setup?.text)
        } else {
          for (const s of statements) await db.query(s.text, s.params)
        }
      }
    },
    close: () => db.close(),
  }
}

/** A load over a floor, with latencies per kind. */
export interface FloorResult {
  all: LoadResult
  byLabel: Record<string, number[]>
}

/** Replays the recorded searches in turn: `seconds` of closed loop after `warmupSeconds`, or each once when seconds is 'once'. */
export async function replayLoad(
  floor: SqlFloor,
  recorded: RecordedSearch[],
  concurrency: number,
  seconds: number | 'once',
  warmupSeconds = 0,
): Promise<FloorResult> {
  let byLabel: Record<string, number[]> = {}
  const op = async (n: number) => {
    const r = recorded[n % recorded.length]
    const t0 = performance.now()
    await floor.replay(r.units)
    ;(byLabel[r.kind] ??= []).push(performance.now() - t0)
  }
  // As for the app's load: every search once in the warm-up, and each at least once in the timed run.
  if (seconds !== 'once' && warmupSeconds > 0) await closedLoop(concurrency, warmupSeconds, op, recorded.length)
  byLabel = {}
  const all =
    seconds === 'once' ? await eachOnce(concurrency, recorded.length, op) : await closedLoop(concurrency, seconds, op, recorded.length)
  for (const v of Object.values(byLabel)) v.sort((a, b) => a - b)
  return { all, byLabel }
}

/** `select 1` in a closed loop: the floor of one database round trip. */
export async function selectOneLoad(floor: SqlFloor, concurrency: number, seconds: number, warmupSeconds: number): Promise<LoadResult> {
  await closedLoop(concurrency, warmupSeconds, () => floor.selectOne())
  return closedLoop(concurrency, seconds, () => floor.selectOne())
}

/** A bare Node HTTP server answering every request with a small JSON body: the floor of one HTTP round trip. */
export function emptyHttpServer(): Promise<LoopbackServer> {
  const body = Buffer.from('{"success":true,"data":{"items":[]}}')
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body))
  })
  return serveOnLoopback(server)
}
