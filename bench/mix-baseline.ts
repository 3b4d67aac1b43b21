import http from 'node:http'
import { nameTag } from './name-tag.js'
import pg from 'pg'
import { createApp } from '../api/app.js'
import { createServices } from '../api/product.js'
import type { Config } from '../core/kernel/config.js'
import { statementNames } from '../core/db/statement-names.js'
import type { Database } from '../core/db/types.js'
import { closedLoop, type LoadResult } from './load.js'
import { serveOnLoopback } from './loopback.js'
import type { LoadRequest } from './load-process.js'
import { recordingDatabase, roundTrips, type RecordedStatement, type RecordedUnit } from './recording-database.js'

/** What one request of the mix sent to the database, unit by unit, and its label. */
export interface RecordedMixRequest {
  label: string
  units: RecordedUnit[]
  /** The text that made a write's names unique when it was recorded; each replay puts its own in its place. */
  marker?: string
}

/**
 * Sends each request of `requests` once through a copy of the app whose database records every statement, after one
 * pass not kept (it stamps tokens' first use and warms what the app reads once), and returns what each request sent.
 */
export async function recordMix(config: Config, db: Database, requests: LoadRequest[]): Promise<RecordedMixRequest[]> {
  const recorder = recordingDatabase(db)
  const server = await serveOnLoopback(http.createServer(createApp(createServices(config, recorder.db))))
  const base = server.url
  let sent = 0
  const send = async (r: LoadRequest, marker = `mixrecord${sent++}x`) => {
    const body =
      r.body === undefined ? undefined : JSON.stringify(r.body).replaceAll('{{n}}', marker).replaceAll('{{tag}}', nameTag(marker))
    const res = await fetch(base + r.path, {
      method: r.method ?? 'GET',
      headers: { ...r.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    })
    const text = await res.text()
    if (res.status !== (r.status ?? 200)) throw new Error(`recording ${r.label}: HTTP ${res.status} ${text.slice(0, 200)}`)
  }
  try {
    for (const r of requests) await send(r)
    const out: RecordedMixRequest[] = []
    for (const r of requests) {
      recorder.units.length = 0
      const marker = `mixrecord${sent++}x`
      await send(r, marker)
      out.push({ label: r.label ?? r.path, units: [...recorder.units], ...(r.body === undefined ? {} : { marker }) })
    }
    return out
  } finally {
    await server.close()
  }
}

/** Round trips per request of the recorded mix, on average. */
export function mixRoundTrips(recorded: RecordedMixRequest[]): number {
  return recorded.reduce((n, r) => n + roundTrips(r.units), 0) / recorded.length
}

/** What a baseline sends its statements through: pg, with each statement that has parameters prepared by name as the app does. */
export interface Sender {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>
  /** Inside a transaction: holds a statement without parameters for the next statement or COMMIT, as the app's transactions do. */
  defer?(text: string): void
}

/**
 * Sends a recorded statement as the app sent it: one the app deferred (its audit row, say) is held by the transaction's
 * sender; any other is sent with `params`. Answers null for a held statement.
 */
export async function sendRecorded(client: Sender, s: RecordedStatement, params: unknown[]): Promise<pg.QueryResult | null> {
  if (s.deferred && client.defer) {
    client.defer(s.text)
    return null
  }
  return client.query(s.text, params)
}

/** The name of each statement text the baselines send, the same on every connection (as core/db/postgres.ts names them). */
const names = statementNames('baseline')

/** A sender over a pool or a connection that prepares each statement with parameters by name once per connection, as the app does. */
export function preparedSender(q: pg.Pool | pg.PoolClient): Sender {
  return {
    query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      if (!values?.length) return q.query<R>(text)
      const name = names.claim(text)
      return name ? q.query<R>({ name, text, values }) : q.query<R>(text, values)
    },
  }
}

/** Columns whose returned value a later statement of the same request sends back: a new row's id, a counter's number. */
const CARRIED = /^(id|\w+_id|number|value)$/

/**
 * Sends the recorded requests' statements straight through pg, in turn, with `clients` at once for `seconds`, each as
 * the app sent it: a statement outside a transaction on any connection; a transaction on one connection, its setup sent
 * with BEGIN; a statement with parameters prepared by name once per connection. A write replays as itself: its names made unique again, and the ids and numbers its statements return
 * (a new ticket's id, the next ticket number) sent on in place of the recorded ones. The CPU in the result is this
 * process's: what a pg client spends sending the same statements.
 */
export async function replayMix(
  url: string,
  recorded: RecordedMixRequest[],
  clients: number,
  seconds: number,
  poolSize: number,
): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, query_timeout: 30_000 })
  pool.on('error', () => {})
  const op = async (n: number) => {
    const request = recorded[n % recorded.length]
    const carried = new Map<unknown, unknown>()
    const send = async (q: Sender, s: RecordedStatement) => {
      const params = s.params.map((p) => replayed(p, carried, request.marker, `mixreplay${n}x`))
      const r = await sendRecorded(q, s, params)
      for (const [column, was] of Object.entries(s.firstRow ?? {})) {
        const now = (r?.rows[0] as Record<string, unknown> | undefined)?.[column]
        if (CARRIED.test(column) && (typeof was === 'string' || typeof was === 'number') && now !== was) carried.set(was, now)
      }
    }
    for (const unit of request.units) {
      if (!unit.transaction) {
        for (const s of unit.statements) await send(preparedSender(pool), s)
        continue
      }
      await pgTransaction(pool, unit.statements.find((s) => s.withBegin)?.text ?? null, async (client) => {
        for (const s of unit.statements) if (!s.withBegin) await send(client, s)
      })
    }
  }
  try {
    await closedLoop(clients, 1, op)
    return await closedLoop(clients, seconds, op)
  } finally {
    await pool.end().catch(() => {})
  }
}

/** A recorded parameter as this replay sends it: a value carried forward, or the write's unique text replaced. */
function replayed(p: unknown, carried: Map<unknown, unknown>, marker: string | undefined, unique: string): unknown {
  if (carried.has(p)) return carried.get(p)
  if (typeof p === 'string' && marker) return p.replaceAll(marker, unique)
  return Array.isArray(p) ? p.map((v) => replayed(v, carried, marker, unique)) : p
}

/**
 * One transaction on a connection of the pool, as the app sends one (core/db/postgres.ts): its setup in the same round
 * trip as BEGIN, then `fn`'s statements, a deferred one held until the next statement (sent just ahead of it) or COMMIT
 * (in the same round trip); rolled back when one fails, and a connection that could not roll back is dropped.
 */
export async function pgTransaction(pool: pg.Pool, setup: string | null, fn: (client: Sender) => Promise<void>): Promise<void> {
  const client = await pool.connect()
  let broken: Error | undefined
  try {
    await client.query(setup ? `begin; ${setup}` : 'begin')
    const held: string[] = []
    const prepared = preparedSender(client)
    await fn({
      async query(text, values) {
        if (held.length) await client.query(held.splice(0).join(';\n'))
        return prepared.query(text, values)
      },
      defer: (text) => void held.push(text),
    })
    await client.query(held.length ? `${held.join(';\n')};\ncommit` : 'commit')
  } catch (err) {
    await client.query('rollback').catch((e: Error) => (broken = e))
    throw err
  } finally {
    client.release(broken)
  }
}
