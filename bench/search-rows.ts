import type { GeneratedSearchData } from './generate-search-data.js'
import type { ProcessLoadResult } from './load-process.js'
import { percentile, throughput, type LoadResult } from './load.js'
import type { BenchRow } from './scenario.js'
import type { FloorResult } from './search-floors.js'
import type { MixQuery } from './search-mix.js'

/** Share of the mix's queries that must find their right answer. */
const FOUND_RIGHT_TARGET = 0.95

/** A business in the measured database: its agent token, what was generated and the queries drawn from it. */
export interface Business {
  name: string
  token: string
  data: GeneratedSearchData
  mix: MixQuery[]
}

/** Everything one search run measured; maps are keyed by "business:clients", or by clients, or by business. */
export interface SearchFigures {
  clients: number[]
  seconds: number
  floorName: string
  p95TargetMs: number | null
  businesses: Business[]
  cold: Map<string, ProcessLoadResult>
  warm: Map<string, ProcessLoadResult>
  coldSql: Map<string, FloorResult>
  warmSql: Map<string, FloorResult>
  selectOne: Map<number, LoadResult>
  emptyHttp: Map<number, ProcessLoadResult>
  /** The plain questions, warm, one client; missing when the run stopped before them. */
  questions?: ProcessLoadResult
  /** What opening afresh meant for the cold figures. */
  afresh: string
  phases: Record<string, number>
  /** What one search sent to the database, per business: round trips on average and the statements of one. */
  sqlPerSearch: Map<string, { roundTrips: number; example: string }>
}

/** Round trips one search may take on average: the token check, BEGIN with the search's context, the search, COMMIT. */
const ROUND_TRIPS_TARGET = 4

/** The printed rows: per business cold and warm figures with their floors, found-right, per kind, questions. */
export function searchRows(f: SearchFigures): BenchRow[] {
  const rows: BenchRow[] = []
  for (const b of f.businesses) {
    rows.push({ measure: `query mix: ${b.name}`, value: `${b.mix.length} queries`, note: kindCounts(b.mix) })
  }
  for (const b of f.businesses) {
    const sql = f.sqlPerSearch.get(b.name)
    if (sql)
      rows.push({
        measure: `${b.name}: SQL per search (recorded)`,
        value: `${sql.roundTrips.toFixed(1)} round trips`,
        target: `<= ${ROUND_TRIPS_TARGET}`,
        met: sql.roundTrips <= ROUND_TRIPS_TARGET,
        note: sql.example,
      })
  }
  for (const b of f.businesses) rows.push(...businessRows(f, b))
  rows.push(...kindRows(f, f.businesses[0]))
  if (f.questions) rows.push(questionRow(f.businesses[0], f.questions))
  const runs = [...f.cold.values(), ...f.warm.values(), ...(f.questions ? [f.questions] : [])]
  const errors = runs.reduce((n, r) => n + r.errors, 0)
  rows.push({
    measure: 'errors (non-200 answers, failures)',
    value: String(errors),
    target: '0',
    met: errors === 0,
    note: [...new Set(runs.flatMap((r) => r.errorSamples))].slice(0, 3).join(' | '),
  })
  rows.push({
    measure: 'seconds per phase',
    value: Object.values(f.phases)
      .reduce((a, b) => a + b, 0)
      .toFixed(0),
    note: `${Object.entries(f.phases)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', ')}; ${f.seconds} s per measured load`,
  })
  return rows
}

/** Cold and warm p50/p95 for each client count with the floors beside, and how many queries found their right answer. */
function businessRows(f: SearchFigures, b: Business): BenchRow[] {
  const rows: BenchRow[] = []
  const coldSql = f.coldSql.get(b.name)
  for (const c of f.clients) {
    const r = must(f.cold.get(`${b.name}:${c}`))
    rows.push({
      measure: `${b.name}: cold, ${clientsWord(c)}, p50 / p95 ms`,
      value: pair(r.latenciesMs),
      note: `each query once after opening afresh (${f.afresh}); floor: the same SQL on a fresh ${f.floorName} connection ${coldSql ? pair(coldSql.all.latenciesMs) : 'n/a'} (1 client)`,
    })
  }
  for (const c of f.clients) {
    const r = must(f.warm.get(`${b.name}:${c}`))
    const p95 = percentile(r.latenciesMs, 0.95)
    const sql = f.warmSql.get(`${b.name}:${c}`)
    rows.push({
      measure: `${b.name}: warm, ${clientsWord(c)}, p50 / p95 ms`,
      value: pair(r.latenciesMs),
      ...(f.p95TargetMs !== null ? { target: `p95 <= ${f.p95TargetMs}`, met: p95 <= f.p95TargetMs } : {}),
      note:
        `${r.ok} answers, ${throughput(r).toFixed(0)}/s; floors: same SQL via ${f.floorName} ${sql ? pair(sql.all.latenciesMs) : 'n/a'}, ` +
        `select 1 ${pair(must(f.selectOne.get(c)).latenciesMs)}, empty HTTP ${pair(must(f.emptyHttp.get(c)).latenciesMs)}`,
    })
  }
  const once = must(f.cold.get(`${b.name}:1`))
  // An answer that failed (not 200) is not a right one either.
  const right = once.ok - once.wrong
  const warmWrong = must(f.warm.get(`${b.name}:1`))
  const share = right / b.mix.length
  rows.push({
    measure: `${b.name}: found right`,
    value: `${right} of ${b.mix.length}`,
    target: `>= ${FOUND_RIGHT_TARGET * 100}%`,
    met: share >= FOUND_RIGHT_TARGET,
    note: [
      `${(share * 100).toFixed(0)}%`,
      ...missedKinds(b.mix, once),
      ...(warmWrong.wrong ? [`warm: ${warmWrong.wrong} of ${warmWrong.ok} answers wrong`] : []),
      ...once.wrongSamples,
    ].join('; '),
  })
  return rows
}

/** Per kind of query, warm with one client: p50/p95, how many found the right answer, 8 clients' p95 and the same SQL's p95. */
function kindRows(f: SearchFigures, b: Business): BenchRow[] {
  const one = must(f.warm.get(`${b.name}:1`))
  const many = f.clients.length > 1 ? f.warm.get(`${b.name}:${f.clients[1]}`) : undefined
  const sql = f.warmSql.get(`${b.name}:1`)
  const once = must(f.cold.get(`${b.name}:1`))
  return [...new Set(b.mix.map((m) => m.kind))].map((kind) => {
    const n = b.mix.filter((m) => m.kind === kind).length
    const right = (once.byLabel[kind]?.length ?? 0) - (once.wrongByLabel[kind] ?? 0)
    const extra = [
      many ? `${f.clients[1]} clients p95 ${ms(percentile(many.byLabel[kind] ?? [], 0.95))}` : '',
      sql ? `same SQL p95 ${ms(percentile(sql.byLabel[kind] ?? [], 0.95))}` : '',
    ].filter(Boolean)
    return {
      measure: `${b.name}, warm, 1 client: ${kind}`,
      value: pair(one.byLabel[kind] ?? []),
      note: [`right ${right} of ${n}`, ...extra].join('; '),
    }
  })
}

/** The plain questions' p50/p95 and how many found someone. */
function questionRow(b: Business, q: ProcessLoadResult): BenchRow {
  const labels = Object.keys(q.byLabel)
  const answered = labels.filter((l) => !q.wrongByLabel[l]).length
  return {
    measure: `${b.name}: plain questions, warm, 1 client, p50 / p95 ms`,
    value: pair(q.latenciesMs),
    note: `${answered} of ${labels.length} found someone: ${labels.join(' | ')}`,
  }
}

/** "name 8, typo: dropped letter 4, ..." */
function kindCounts(mix: MixQuery[]): string {
  const counts = new Map<string, number>()
  for (const m of mix) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1)
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ')
}

/** The kinds with wrong answers, as "missed: phone: last 4 2 of 3". */
function missedKinds(mix: MixQuery[], r: ProcessLoadResult): string[] {
  const missed = Object.entries(r.wrongByLabel).filter(([, n]) => n > 0)
  if (!missed.length) return []
  return [`missed: ${missed.map(([k, n]) => `${k} ${n} of ${mix.filter((m) => m.kind === k).length}`).join(', ')}`]
}

function pair(sorted: number[]): string {
  return `${ms(percentile(sorted, 0.5))} / ${ms(percentile(sorted, 0.95))}`
}

function ms(v: number): string {
  return Number.isNaN(v) ? 'n/a' : v < 10 ? v.toFixed(2) : v.toFixed(1)
}

function clientsWord(c: number): string {
  return c === 1 ? '1 client' : `${c} clients`
}

function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('a measurement is missing')
  return v
}
