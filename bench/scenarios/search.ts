import type { Principal } from '../../core/context.js'
import { loadConfig } from '../../core/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { performQuery } from '../../core/operations.js'
import { createServices } from '../../api/product.js'
import { createTenant } from '../../core/tenants.js'
import { generateSearchData, type GeneratedSearchData } from '../generate-search-data.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'

/** How many contacts to search through (five notes each on average); BENCH_SEARCH_CONTACTS changes it. */
const CONTACTS = Number(process.env.BENCH_SEARCH_CONTACTS ?? 100_000)
/** Each query is run this many times after one warm-up run. */
const ROUNDS = 5

/** Universal search p50/p95 over a generated business on PostgreSQL. */
export const searchPostgres: Scenario = {
  name: 'search (PostgreSQL)',
  needs: 'postgres',
  async run(settings: BenchSettings) {
    const scratch = await createScratchDatabase(settings.databaseUrl, 'search')
    const db = openPostgres(scratch.url, 4)
    try {
      return await measure(db, 20)
    } finally {
      await db.close()
      await scratch.drop()
    }
  },
}

/** The same on the embedded engine. */
export const searchPglite: Scenario = {
  name: 'search (PGlite)',
  needs: 'nothing',
  async run() {
    const db = await openPglite(undefined)
    try {
      return await measure(db, null)
    } finally {
      await db.close()
    }
  },
}

/** Runs the query mix; `p95TargetMs` is the goal for the p95 in milliseconds, or null when the engine has none. */
async function measure(db: Database, p95TargetMs: number | null): Promise<BenchRow[]> {
  await migrate(db)
  const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent' }), logLevel: 'silent' }, db)
  const tenant = await createTenant(db, { name: 'Search Bench Windows', owner_email: 'owner@bench.example' })
  const started = Date.now()
  const data = await generateSearchData(db, tenant.tenant_id, { contacts: CONTACTS, seed: 7 })
  const generated = (Date.now() - started) / 1000
  const principal: Principal = { tenantId: tenant.tenant_id, actor: { type: 'agent', id: tenant.tenant_id } }
  const queries = queriesFrom(data)
  const samples: number[] = []
  let hits = 0
  for (const q of queries) {
    await performQuery(services, principal, { type: 'search', filters: { q } }, { requestId: 'bench-warmup' })
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = process.hrtime.bigint()
      const page = await performQuery(services, principal, { type: 'search', filters: { q } }, { requestId: 'bench' }) as { items?: unknown[] }
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
      if (i === 0 && (page.items?.length ?? 0) > 0) hits++
    }
  }
  const questionSamples: number[] = []
  let answered = 0
  for (const q of QUESTIONS) {
    await performQuery(services, principal, { type: 'search', filters: { q } }, { requestId: 'bench-warmup' })
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = process.hrtime.bigint()
      const page = await performQuery(services, principal, { type: 'search', filters: { q } }, { requestId: 'bench' }) as { items?: unknown[] }
      questionSamples.push(Number(process.hrtime.bigint() - t0) / 1e6)
      if (i === 0 && (page.items?.length ?? 0) > 0) answered++
    }
  }
  questionSamples.sort((a, b) => a - b)
  const questionPct = (p: number) => questionSamples[Math.min(questionSamples.length - 1, Math.ceil((p / 100) * questionSamples.length) - 1)]
  samples.sort((a, b) => a - b)
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]
  const p95 = pct(95)
  return [
    { measure: 'data', value: `${data.contacts} contacts`, note: `${data.notes} notes, ${data.attributes} attributes, ${data.tickets} tickets, ${data.invoices} invoices, ${data.leads} leads; generated in ${generated.toFixed(0)} s` },
    { measure: 'queries x rounds', value: `${queries.length} x ${ROUNDS}`, note: `${hits} of ${queries.length} queries found something; names, typos, phone digits, emails, invoice and ticket numbers, cities, note words, functionality` },
    { measure: 'p50 ms', value: pct(50).toFixed(1) },
    { measure: 'p95 ms', value: p95.toFixed(1), ...(p95TargetMs !== null ? { target: `<= ${p95TargetMs}`, met: p95 <= p95TargetMs } : {}) },
    { measure: 'max ms', value: samples[samples.length - 1].toFixed(1) },
    { measure: 'questions x rounds', value: `${QUESTIONS.length} x ${ROUNDS}`, note: `${answered} of ${QUESTIONS.length} found someone; ${QUESTIONS.join(' | ')}` },
    { measure: 'questions p50 ms', value: questionPct(50).toFixed(1) },
    { measure: 'questions p95 ms', value: questionPct(95).toFixed(1) },
  ]
}

/** Plain questions over the generated places, attributes and notes (no model). */
const QUESTIONS = ['elderly woman in Owens Cross Roads', 'dog in Madison', 'elderly with a dog in Huntsville', 'screens', 'side gate',
  'bees near the upstairs window in Madison']

/** Real values from the generated data, plus misspellings and a question about the product itself. */
function queriesFrom(d: GeneratedSearchData): string[] {
  const s = d.samples
  const typo = (name: string) => name.length > 5 ? name.slice(0, 3) + name.slice(4) : name
  return [
    ...s.names.slice(0, 5), ...s.names.slice(5, 9).map(typo), ...s.phoneDigits.slice(0, 3), ...s.emails.slice(0, 2),
    ...s.invoiceNumbers.slice(0, 2), ...s.ticketNumbers.slice(0, 2).map((n) => `#${n}`), ...s.cities.slice(0, 2),
    ...s.noteWords.slice(0, 3), 'cancel appointment',
  ].filter(Boolean)
}
