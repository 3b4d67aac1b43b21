import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../api/app.js'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/log.js'
import { createTenant } from '../../core/tenants.js'
import { generateSearchData, type GeneratedSearchData } from '../generate-search-data.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'

/** Customers of the big business on each engine (BENCH_SEARCH_CONTACTS and BENCH_PGLITE_CONTACTS change them); 100k on PGlite takes about six minutes to write. */
const CONTACTS = Number(process.env.BENCH_SEARCH_CONTACTS ?? 100_000)
const PGLITE_CONTACTS = Number(process.env.BENCH_PGLITE_CONTACTS ?? 100_000)
/** The small business beside it in the same database. */
const SMALL_CONTACTS = 1_000
/** Each read is sent this many times after one warm-up. */
const ROUNDS = 5

/** Every word filter's p50/p95 over HTTP at 100k customers on PostgreSQL, and a 1k-customer business beside it. */
export const listFiltersPostgres: Scenario = {
  name: 'list filters (PostgreSQL)',
  needs: 'postgres',
  async run(settings: BenchSettings) {
    const scratch = await createScratchDatabase(settings.databaseUrl, 'list_filters')
    const db = openPostgres(scratch.url, 4)
    try {
      return await measure(db, CONTACTS, 20)
    } finally {
      await db.close()
      await scratch.drop()
    }
  },
}

/** The same on the embedded engine, at the same size by default. */
export const listFiltersPglite: Scenario = {
  name: 'list filters (PGlite)',
  needs: 'nothing',
  async run() {
    const db = await openPglite(undefined)
    try {
      return await measure(db, PGLITE_CONTACTS, 80)
    } finally {
      await db.close()
    }
  },
}

/** One filter's reads: the data type and the filters of each read. */
interface FilterReads {
  label: string
  reads: Array<Record<string, string>>
}

async function measure(db: Database, contacts: number, targetMs: number): Promise<BenchRow[]> {
  setLogLevel('silent')
  await migrate(db)
  const config = { ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }), logLevel: 'silent' as const }
  const services = createServices(config, db, { llm: null, payments: null })
  const big = await createTenant(db, { name: 'List Filters Bench Windows', owner_email: 'owner@bench.example' })
  const small = await createTenant(db, { name: 'Small Bench Windows', owner_email: 'owner@small-bench.example' })
  const started = Date.now()
  const data = await generateSearchData(db, big.tenant_id, { contacts, notesPerContact: 2, ticketsPerContact: 1, leads: 2000, seed: 13 })
  const smallData = await generateSearchData(db, small.tenant_id, {
    contacts: SMALL_CONTACTS,
    notesPerContact: 2,
    ticketsPerContact: 1,
    leads: 50,
    seed: 14,
  })
  const generated = (Date.now() - started) / 1000
  const server = await new Promise<Server>((resolve) => {
    const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const leads = (
      await db.query<{ name: string; phone: string }>(
        'select name, phone from leads where tenant_id = $1 order by created_at, id limit 2',
        [big.tenant_id],
      )
    ).rows
    const rows: BenchRow[] = [
      {
        measure: 'data',
        value: `${data.contacts} + ${smallData.contacts} contacts`,
        note: `big business: ${data.notes} notes, ${data.invoices} invoices, ${data.leads} leads; a small one in the same database; generated in ${generated.toFixed(0)} s`,
      },
    ]
    for (const filter of filtersOf(data, leads)) rows.push(...(await timed(url, big.agent_token, filter, targetMs)))
    for (const filter of smallFiltersOf(smallData)) rows.push(...(await timed(url, small.agent_token, filter, targetMs)))
    return rows
  } finally {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
}

/** Real words for each filter of the big business: names, a typo, digits, numbers, words of leads' notes. */
function filtersOf(d: GeneratedSearchData, leads: Array<{ name: string; phone: string }>): FilterReads[] {
  const s = d.samples
  const typo = (name: string) => name.slice(0, 3) + name.slice(4)
  const names = s.names.slice(0, 3)
  return [
    { label: 'contacts?q=', reads: [...names, typo(s.names[3]), s.phoneDigits[0]].map((q) => ({ type: 'contacts', q })) },
    {
      label: 'invoices?customer=',
      reads: [...names.map((n) => n.toLowerCase()), s.emails[0].split('@')[0]].map((customer) => ({ type: 'invoices', customer })),
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

/** Sends each read ROUNDS times after a warm-up; p50 and p95 in milliseconds, and how many reads found something. */
async function timed(url: string, token: string, filter: FilterReads, targetMs: number): Promise<BenchRow[]> {
  const samples: number[] = []
  let found = 0
  for (const read of filter.reads) {
    const path = `/api/data?${new URLSearchParams({ ...read, limit: '25' })}`
    const get = async () => {
      const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } })
      const body = (await res.json()) as { success: boolean; data?: { items?: unknown[] }; error?: { message?: string } }
      if (!body.success) throw new Error(`${path}: ${res.status} ${body.error?.message ?? ''}`)
      return body.data?.items?.length ?? 0
    }
    if ((await get()) > 0) found++
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = process.hrtime.bigint()
      await get()
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    }
  }
  samples.sort((a, b) => a - b)
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]
  const p95 = pct(95)
  return [
    {
      measure: `${filter.label} p50 ms`,
      value: pct(50).toFixed(1),
      note: `${filter.reads.length} reads x ${ROUNDS}, ${found} found something: ${filter.reads.map((r) => Object.values(r)[1]).join(' | ')}`,
    },
    { measure: `${filter.label} p95 ms`, value: p95.toFixed(1), target: `<= ${targetMs}`, met: p95 <= targetMs },
  ]
}
