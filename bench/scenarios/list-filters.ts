import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import { withTenant } from '../../core/db/tenant.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/kernel/log.js'
import type { GeneratedSearchData } from '../generate-search-data.js'
import type { RecordedUnit } from '../recording-database.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'
import { pgFloor, pgliteFloor, type SqlFloor } from '../search-floors.js'
import { recordRequests, serveApp } from '../search-serving.js'
import { businessRows, pgliteBusinesses, postgresBusinesses, type BusinessCopy } from '../shared-businesses.js'

/** Timings per filter, of the app and of its floor each, at least (the reads of a filter in turn, round after round). */
const MIN_TIMINGS = 100
/** Clients at once in the second timing of each filter, the app's and its floor's in turn. */
const CLIENTS = 8
/** A last name that 1,310 of 100k generated customers have as a first or last name (the generator picks both evenly). */
const COMMON_WORD = 'Henry'

/** Every word filter's p50/p95 over HTTP at 100k customers on PostgreSQL beside its SQL through `pg`, and a 1k-customer business beside it. */
export const listFiltersPostgres: Scenario = {
  name: 'list filters (PostgreSQL)',
  needs: 'postgres',
  async run(settings: BenchSettings) {
    const copy = await postgresBusinesses(settings)
    try {
      const db = openPostgres(copy.url, CLIENTS)
      try {
        return await measure(db, copy, 20, { name: 'pg', open: () => pgFloor(copy.url, CLIENTS) })
      } finally {
        await db.close()
      }
    } finally {
      await copy.drop()
    }
  },
}

/** The same on the embedded engine, on the run's PGlite business (BENCH_PGLITE_CONTACTS). */
export const listFiltersPglite: Scenario = {
  name: 'list filters (PGlite)',
  needs: 'nothing',
  async run() {
    const copy = await pgliteBusinesses()
    try {
      const db = await openPglite(copy.dataDir)
      try {
        // The app's own engine (one per process): the app is idle while its SQL is replayed.
        return await measure(db, copy, 80, { name: 'PGlite', open: () => ({ ...pgliteFloor(db), close: async () => {} }) })
      } finally {
        await db.close()
      }
    } finally {
      await copy.drop()
    }
  },
}

/** One filter's reads: the data type and the filters of each read. */
interface FilterReads {
  label: string
  reads: Array<Record<string, string>>
}

/** Where a filter's recorded SQL is sent without the app: its name for the notes, and how to reach it. */
interface Floor {
  name: string
  open(): SqlFloor
}

async function measure(db: Database, copy: BusinessCopy, targetMs: number, floor: Floor): Promise<BenchRow[]> {
  setLogLevel('silent')
  const { large, small } = copy.made
  const reachOuts = await scheduleReachOuts(db, large.tenantId, large.data.samples.names)
  const app = await serveApp(db)
  const sql = floor.open()
  try {
    const leads = (
      await db.query<{ name: string; phone: string }>(
        'select name, phone from leads where tenant_id = $1 order by created_at, id limit 2',
        [large.tenantId],
      )
    ).rows
    // Billed customers' names and an address: half the customers have no invoice for invoices?customer= to find.
    const billed = (
      await db.query<{ display_name: string; email: string }>(
        `select c.display_name, c.email from invoices i join contacts c on c.tenant_id = i.tenant_id and c.id = i.contact_id
         where i.tenant_id = $1 and c.email is not null order by i.created_at, i.id limit 3`,
        [large.tenantId],
      )
    ).rows
    const rows: BenchRow[] = [
      ...businessRows(copy),
      {
        measure: 'data: reach-outs scheduled',
        value: String(reachOuts),
        note: 'pending, in the large business, so that scheduled_messages?customer= finds them',
      },
    ]
    const measured = { db, url: app.url, floor: sql, floorName: floor.name, targetMs }
    for (const filter of filtersOf(large.data, leads, billed)) rows.push(...(await timed(measured, large.agentToken, filter)))
    for (const filter of smallFiltersOf(small.data)) rows.push(...(await timed(measured, small.agentToken, filter)))
    return rows
  } finally {
    await sql.close()
    await app.close()
  }
}

/** A pending reach-out for every tenth customer and every sampled name, so that scheduled_messages?customer= finds them. */
async function scheduleReachOuts(db: Database, tenantId: string, names: string[]): Promise<number> {
  const scope = { tenantId, actorType: 'system' as const, requestId: 'list-filters-bench' }
  const inserted = await withTenant(db, scope, async (tx) => {
    const r = await tx.query(
      `insert into scheduled_messages (tenant_id, contact_id, kind, send_at)
       select c.tenant_id, c.id, 'reach_out', now() + make_interval(days => 1 + abs(hashtext(c.id::text)) % 180)
       from contacts c where abs(hashtext(c.id::text)) % 10 = 0 or c.display_name = any($1::text[])`,
      [names],
    )
    return r.rowCount
  })
  await db.query('analyze scheduled_messages')
  return inserted
}

/** Real words for each filter of the big business: names (of billed customers for invoices), a typo, digits, numbers, words of leads' notes. */
function filtersOf(
  d: GeneratedSearchData,
  leads: Array<{ name: string; phone: string }>,
  billed: Array<{ display_name: string; email: string }>,
): FilterReads[] {
  const s = d.samples
  const typo = (name: string) => name.slice(0, 3) + name.slice(4)
  const names = s.names.slice(0, 3)
  const [first] = names[1].split(' ')
  const last = names[0].split(' ').slice(-1)[0]
  return [
    { label: 'contacts?q=', reads: [...names, typo(s.names[3]), s.phoneDigits[0]].map((q) => ({ type: 'contacts', q })) },
    { label: 'contacts?q= common word', reads: [COMMON_WORD, last, first].map((q) => ({ type: 'contacts', q })) },
    {
      label: 'invoices?customer=',
      reads: [...billed.map((c) => c.display_name.toLowerCase()), billed[0].email.split('@')[0]].map((customer) => ({
        type: 'invoices',
        customer,
      })),
    },
    { label: 'invoices?number=', reads: s.invoiceNumbers.slice(0, 3).map((n) => ({ type: 'invoices', number: n.slice(-9) })) },
    { label: 'scheduled_messages?customer=', reads: names.map((customer) => ({ type: 'scheduled_messages', customer })) },
    {
      label: 'leads?q=',
      reads: [...leads.map((l) => l.name), 'gutters', leads[0].phone.replace(/\D/g, '').slice(-4)].map((q) => ({ type: 'leads', q })),
    },
    { label: 'services?q=', reads: ['gutter', 'Guter', 'window'].map((q) => ({ type: 'services', q })) },
    { label: 'users?q=', reads: ['owner', 'bench'].map((q) => ({ type: 'users', q })) },
    { label: 'search?q=', reads: [...names, s.phoneDigits[1], s.invoiceNumbers[1]].map((q) => ({ type: 'search', q })) },
  ]
}

/** The small business's universal search and customer list by words. */
function smallFiltersOf(d: GeneratedSearchData): FilterReads[] {
  const names = d.samples.names.slice(0, 3)
  return [
    { label: `1k business: search?q=`, reads: [...names, d.samples.phoneDigits[0]].map((q) => ({ type: 'search', q })) },
    { label: `1k business: contacts?q=`, reads: [...names, d.samples.phoneDigits[0]].map((q) => ({ type: 'contacts', q })) },
  ]
}

/** What every filter is measured with: the app, the floor for its recorded SQL and the goal. */
interface Measured {
  db: Database
  url: string
  floor: SqlFloor
  floorName: string
  targetMs: number
}

/**
 * Sends each read once (one that finds nothing is reported and left out), records its SQL, then times the app and its SQL through the
 * floor in turn, read after read, until each has MIN_TIMINGS: p50 and p95 in milliseconds of both.
 */
async function timed(m: Measured, token: string, filter: FilterReads): Promise<BenchRow[]> {
  const pathOf = (read: Record<string, string>) => `/api/data?${new URLSearchParams({ ...read, limit: '25' })}`
  const wordOf = (read: Record<string, string>) => Object.values(read)[1]
  const get = async (path: string) => {
    const res = await fetch(m.url + path, { headers: { authorization: `Bearer ${token}` } })
    const body = (await res.json()) as { success: boolean; data?: { items?: unknown[] }; error?: { message?: string } }
    if (!body.success) throw new Error(`${path}: ${res.status} ${body.error?.message ?? ''}`)
    return body.data?.items?.length ?? 0
  }
  // A read that finds nothing is not timed (its figure would not be a search that finds): it is reported instead.
  const finding: Array<Record<string, string>> = []
  const empty: string[] = []
  for (const read of filter.reads) {
    if ((await get(pathOf(read))) > 0) finding.push(read)
    else empty.push(wordOf(read))
  }
  const nothing: BenchRow[] = empty.length
    ? [
        {
          measure: `${filter.label} reads that found nothing`,
          value: String(empty.length),
          target: '0',
          met: false,
          note: `not timed: ${empty.join(' | ')}`,
        },
      ]
    : []
  if (!finding.length) return nothing
  const paths = finding.map(pathOf)
  const words = finding.map(wordOf)
  const recorded: RecordedUnit[][] = await recordRequests(m.db, token, paths)
  for (const units of recorded) await m.floor.replay(units)
  const app: number[] = []
  const sql: number[] = []
  const time = async (samples: number[], fn: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint()
    await fn()
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  const rounds = Math.ceil(MIN_TIMINGS / paths.length)
  for (let round = 0; round < rounds; round++) {
    for (const [i, path] of paths.entries()) {
      // Which goes first changes every round, so that neither always follows the other.
      const both = [() => time(app, () => get(path)), () => time(sql, () => m.floor.replay(recorded[i]))]
      for (const run of round % 2 ? both.reverse() : both) await run()
    }
  }
  // Then CLIENTS at once: the app's reads and their SQL through the floor, each in two turns, in turn.
  const appTogether: number[] = []
  const sqlTogether: number[] = []
  const together = async (samples: number[], fn: (i: number) => Promise<unknown>) => {
    let next = 0
    const each = Math.ceil(MIN_TIMINGS / 2)
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = next++; i < each; i = next++) await time(samples, () => fn(i))
      }),
    )
  }
  for (let turn = 0; turn < 2; turn++) {
    const both = [
      () => together(appTogether, (i) => get(paths[i % paths.length])),
      () => together(sqlTogether, (i) => m.floor.replay(recorded[i % paths.length])),
    ]
    for (const run of turn % 2 ? both.reverse() : both) await run()
  }
  const p95 = percentileOf(app, 95)
  const floor = `the same SQL via ${m.floorName}`
  return [
    {
      measure: `${filter.label} p50 ms`,
      value: percentileOf(app, 50).toFixed(1),
      note: `${floor} ${percentileOf(sql, 50).toFixed(1)}; ${paths.length} reads x ${rounds}, each found something: ${words.join(' | ')}`,
    },
    {
      measure: `${filter.label} p95 ms`,
      value: p95.toFixed(1),
      target: `<= ${m.targetMs}`,
      met: p95 <= m.targetMs,
      note: `${floor} ${percentileOf(sql, 95).toFixed(1)}, timed in turn with the app (${sql.length} timings each)`,
    },
    {
      measure: `${filter.label} ${CLIENTS} clients p50 / p95 ms`,
      value: `${percentileOf(appTogether, 50).toFixed(1)} / ${percentileOf(appTogether, 95).toFixed(1)}`,
      note: `${floor} at ${CLIENTS} clients ${percentileOf(sqlTogether, 50).toFixed(1)} / ${percentileOf(sqlTogether, 95).toFixed(1)}, in turns with the app (${sqlTogether.length} timings each)`,
    },
    ...nothing,
  ]
}

/** The p-th percentile (0 to 100) of the samples, nearest rank. */
function percentileOf(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
