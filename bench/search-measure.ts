import type { Database } from '../core/db/types.js'
import { runLoadProcess, type LoadRequest } from './load-process.js'
import type { BenchRow, BenchSettings } from './scenario.js'
import { emptyHttpServer, replayLoad, selectOneLoad, type RecordedSearch, type SqlFloor } from './search-floors.js'
import { buildSearchMix, searchRequest, CONTACT_HIT } from './search-mix.js'
import { searchRows, type Business, type SearchFigures } from './search-rows.js'
import { recordSearches, serveApp } from './search-serving.js'
import { businessRows, type BusinessCopy } from './shared-businesses.js'
import { describeUnits, roundTrips } from './recording-database.js'

/** The database engine measured: how to open it afresh and how to reach it without the app. */
export interface SearchEngine {
  /** How the floor's SQL is sent, for the notes: "pg" or "PGlite". */
  floorName: string
  /** What opening afresh means for this engine, for the cold figures' note. */
  afresh: string
  /** The goal for the warm p95 in milliseconds, or null when the engine has none. */
  p95TargetMs: number | null
  /** Opens the database afresh: a new pool, or the data folder reopened. */
  open(): Promise<Database>
  /** Opens it afresh for SQL sent without the app (PGlite: only while the app's copy is closed). */
  openFloor(connections: number): Promise<SqlFloor>
  /** SQL sent without the app while the app serves `db`: a pool of its own, or on PGlite (one engine per folder) the app's engine. */
  floorBeside(db: Database, connections: number): SqlFloor
}

/** Plain questions over the generated places, attributes and notes (read by rules, no model). */
const QUESTIONS = [
  'elderly woman in Owens Cross Roads',
  'dog in Madison',
  'elderly with a dog in Huntsville',
  'screens',
  'side gate',
  'bees near the upstairs window in Madison',
]

/**
 * Generates a large and a small business in one new database, then measures universal search over HTTP with the load in
 * its own process: cold (each query once after the database and app were opened afresh) and warm (closed loop after a
 * warm-up), for 1 and 8 clients, each beside its floors in the same phase, measured right after it: the same SQL sent
 * without the app, `select 1`, an empty HTTP handler.
 */
export async function measureSearch(engine: SearchEngine, copy: BusinessCopy, settings: BenchSettings): Promise<BenchRow[]> {
  const clients = [...new Set([1, Math.min(8, settings.concurrency)])]
  const seconds = settings.seconds
  const warmup = Math.max(1, seconds / 5)
  const phases: Record<string, number> = {}
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now()
    try {
      return await fn()
    } finally {
      phases[phase] = (Date.now() - t0) / 1000
    }
  }

  const businesses: Business[] = [copy.made.large, copy.made.small].map((b) => ({
    name: b.name,
    token: b.agentToken,
    data: b.data,
    mix: buildSearchMix(b.data.known),
  }))
  const [large] = businesses
  const spec = (b: Business, requests: LoadRequest[]) => ({ headers: { authorization: `Bearer ${b.token}` }, requests })

  const figures: SearchFigures = {
    clients,
    seconds,
    floorName: engine.floorName,
    p95TargetMs: engine.p95TargetMs,
    businesses,
    cold: new Map(),
    warm: new Map(),
    coldSql: new Map(),
    warmSql: new Map(),
    selectOne: new Map(),
    emptyHttp: new Map(),
    phases,
    sqlPerSearch: new Map(),
    afresh: engine.afresh,
  }
  const key = (b: Business, c: number) => `${b.name}:${c}`

  // The SQL each search sends, recorded first so that every floor is measured beside the app's figure it is the floor of.
  const recorded = await timed('record', async () => {
    const db = await engine.open()
    try {
      const out = new Map<Business, RecordedSearch[]>()
      for (const b of businesses) {
        const searches = await recordSearches(db, b.token, b.mix)
        out.set(b, searches)
        figures.sqlPerSearch.set(b.name, {
          roundTrips: searches.reduce((n, r) => n + roundTrips(r.units), 0) / searches.length,
          example: `"${searches[0].q}": ${describeUnits(searches[0].units)}`,
        })
      }
      return out
    } finally {
      await db.close()
    }
  })

  await timed('cold', async () => {
    for (const c of clients) {
      for (const b of businesses) {
        figures.cold.set(
          key(b, c),
          await withApp(engine, (url) =>
            runLoadProcess({ baseUrl: url, ...spec(b, b.mix.map(searchRequest)), concurrency: c, seconds, once: true }),
          ),
        )
        if (c === 1) {
          figures.coldSql.set(b.name, await withFloor(engine, 1, (floor) => replayLoad(floor, recorded.get(b) ?? [], 1, 'once')))
        }
      }
    }
  })

  await timed('warm', () =>
    withApp(engine, async (url, db) => {
      const floor = engine.floorBeside(db, Math.max(...clients))
      const empty = await emptyHttpServer()
      try {
        for (const c of clients) {
          figures.emptyHttp.set(
            c,
            await runLoadProcess({
              baseUrl: empty.url,
              requests: [{ label: 'empty', path: '/' }],
              concurrency: c,
              seconds,
              warmupSeconds: warmup,
            }),
          )
          figures.selectOne.set(c, await selectOneLoad(floor, c, seconds, warmup))
        }
        for (const b of businesses) {
          for (const c of clients) {
            figures.warm.set(
              key(b, c),
              await runLoadProcess({
                baseUrl: url,
                ...spec(b, b.mix.map(searchRequest)),
                concurrency: c,
                seconds,
                warmupSeconds: warmup,
                eachAtLeast: 1,
              }),
            )
            figures.warmSql.set(key(b, c), await replayLoad(floor, recorded.get(b) ?? [], c, seconds, warmup))
          }
        }
      } finally {
        await empty.close()
        await floor.close()
      }
      const questions = QUESTIONS.map((q) => ({ label: q, path: `/api/data?type=search&q=${encodeURIComponent(q)}`, expect: CONTACT_HIT }))
      figures.questions = await runLoadProcess({
        baseUrl: url,
        ...spec(large, questions),
        concurrency: 1,
        seconds,
        warmupSeconds: warmup,
        eachAtLeast: 1,
      })
    }),
  )
  return [...businessRows(copy), ...searchRows(figures)]
}

/** Opens the database afresh, serves the app over it for fn, then closes both. */
async function withApp<T>(engine: SearchEngine, fn: (url: string, db: Database) => Promise<T>): Promise<T> {
  const db = await engine.open()
  try {
    const app = await serveApp(db)
    try {
      return await fn(app.url, db)
    } finally {
      await app.close()
    }
  } finally {
    await db.close()
  }
}

/** Opens the engine afresh without the app for fn, then closes it. */
async function withFloor<T>(engine: SearchEngine, connections: number, fn: (floor: SqlFloor) => Promise<T>): Promise<T> {
  const floor = await engine.openFloor(connections)
  try {
    return await fn(floor)
  } finally {
    await floor.close()
  }
}
