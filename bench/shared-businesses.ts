import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate } from '../core/db/migrate.js'
import { openPgliteThread } from '../core/db/pglite-thread.js'
import { openPostgres } from '../core/db/postgres.js'
import type { Database } from '../core/db/types.js'
import { createTenant } from '../core/kernel/tenants.js'
import { generateSearchData, type GeneratedSearchData } from './generate-search-data.js'
import { createScratchDatabase, type ScratchDatabase } from './postgres-server.js'
import type { BenchRow, BenchSettings } from './scenario.js'

/** Customers of the large business on PostgreSQL (BENCH_SEARCH_CONTACTS) and on PGlite (BENCH_PGLITE_CONTACTS). */
const POSTGRES_CONTACTS = Number(process.env.BENCH_SEARCH_CONTACTS ?? 100_000)
const PGLITE_CONTACTS = Number(process.env.BENCH_PGLITE_CONTACTS ?? 20_000)
/** Customers of the small business beside the large one. */
const SMALL_CONTACTS = 1_000
/** The owner's goal for writing 100k customers with their notes, in seconds, on each engine. */
const GENERATE_TARGET_SECONDS = { postgres: 300, pglite: 900 }
/** The size the goal is stated for: smaller runs print the time without a target. */
const GENERATE_TARGET_CONTACTS = 100_000

/** A generated business: its owner, its agent token and what was written in it. */
export interface MadeBusiness {
  name: string
  tenantId: string
  ownerUserId: string
  agentToken: string
  data: GeneratedSearchData
  /** Seconds its own generation took. */
  generatedSeconds: number
}

/** The businesses every large-data scenario measures: a large one and a small one in the same database. */
export interface SharedBusinesses {
  engine: 'postgres' | 'pglite'
  large: MadeBusiness
  small: MadeBusiness
  /** Seconds to migrate and generate both, once in a run. */
  generatedSeconds: number
}

/** One scenario's own copy of the shared businesses, and how long making the copy took. */
export interface BusinessCopy {
  made: SharedBusinesses
  /** Whether this copy's scenario paid for the generation (the first one to ask in the run). */
  generatedHere: boolean
  /** The database or data folder the copy was made from, dropped by releaseSharedBusinesses. */
  source: string
  copiedSeconds: number
}

/** A copy in a database of its own on the PostgreSQL server. */
export interface PostgresCopy extends BusinessCopy {
  url: string
  drop(): Promise<void>
}

/** A copy in a PGlite data folder of its own. */
export interface PgliteCopy extends BusinessCopy {
  dataDir: string
  drop(): Promise<void>
}

interface Original<Where> {
  where: Where
  made: SharedBusinesses
  release(): Promise<void>
}

/** How many customers each business gets. */
export interface BusinessSizes {
  large: number
  small: number
}

const postgresOriginals = new Map<string, Promise<Original<ScratchDatabase>>>()
const pgliteOriginals = new Map<string, Promise<Original<string>>>()

/**
 * A copy of the large and small businesses on PostgreSQL for one scenario. The first call in a run generates them in a
 * database of their own; every call gets a database made from it by `CREATE DATABASE ... TEMPLATE` (a file copy), so the
 * scenarios measure the same data without writing it again and none sees another's changes.
 */
export async function postgresBusinesses(
  settings: Pick<BenchSettings, 'databaseUrl'>,
  sizes: BusinessSizes = { large: POSTGRES_CONTACTS, small: SMALL_CONTACTS },
): Promise<PostgresCopy> {
  const key = `${settings.databaseUrl} ${sizes.large} ${sizes.small}`
  const generatedHere = !postgresOriginals.has(key)
  if (generatedHere) postgresOriginals.set(key, generatePostgres(settings.databaseUrl, sizes))
  const original = await (postgresOriginals.get(key) as Promise<Original<ScratchDatabase>>)
  const t0 = Date.now()
  const copy = await createScratchDatabase(settings.databaseUrl, 'copy', original.where.name)
  return { ...copy, made: original.made, generatedHere, source: original.where.name, copiedSeconds: (Date.now() - t0) / 1000 }
}

/** The same on PGlite: generated once in a data folder, which each scenario gets a copy of while it is closed. */
export async function pgliteBusinesses(sizes: BusinessSizes = { large: PGLITE_CONTACTS, small: SMALL_CONTACTS }): Promise<PgliteCopy> {
  const key = `${sizes.large} ${sizes.small}`
  const generatedHere = !pgliteOriginals.has(key)
  if (generatedHere) pgliteOriginals.set(key, generatePglite(sizes))
  const original = await (pgliteOriginals.get(key) as Promise<Original<string>>)
  const t0 = Date.now()
  const folder = mkdtempSync(join(tmpdir(), 'crm-bench-copy-'))
  const dataDir = join(folder, 'data')
  cpSync(original.where, dataDir, { recursive: true })
  return {
    dataDir,
    made: original.made,
    generatedHere,
    source: original.where,
    copiedSeconds: (Date.now() - t0) / 1000,
    drop: async () => rmSync(folder, { recursive: true, force: true }),
  }
}

/** Drops the generated originals; `npm run bench` calls it once every scenario has run. */
export async function releaseSharedBusinesses(): Promise<void> {
  const originals = [...postgresOriginals.values(), ...pgliteOriginals.values()]
  postgresOriginals.clear()
  pgliteOriginals.clear()
  for (const original of originals) {
    await original.then(
      (o) => o.release(),
      () => {},
    )
  }
}

/** The rows every scenario prints about its data: what was generated, how long it took (with its goal) and the copy. */
export function businessRows(copy: BusinessCopy): BenchRow[] {
  const { made } = copy
  const rows: BenchRow[] = []
  for (const b of [made.large, made.small]) {
    const d = b.data
    rows.push({
      measure: `data: ${b.name} business`,
      value: `${d.contacts} contacts`,
      note: `${d.notes} notes, ${d.attributes} attributes, ${d.tickets} visits, ${d.invoices} invoices, ${d.leads} leads; generated in ${b.generatedSeconds.toFixed(0)} s`,
    })
  }
  const target = GENERATE_TARGET_SECONDS[made.engine]
  const atGoalSize = made.large.data.contacts >= GENERATE_TARGET_CONTACTS
  rows.push({
    measure: 'data: generated (s)',
    value: made.generatedSeconds.toFixed(0),
    ...(atGoalSize ? { target: `<= ${target}`, met: made.generatedSeconds <= target } : {}),
    note: `${copy.generatedHere ? 'generated for this scenario' : 'generated earlier in this run and shared'}: migrations and both businesses, through the import's batch writes; this scenario's own copy made in ${copy.copiedSeconds.toFixed(1)} s${atGoalSize ? '' : ` (the goal is for ${GENERATE_TARGET_CONTACTS} customers)`}`,
  })
  return rows
}

async function generatePostgres(databaseUrl: string, sizes: BusinessSizes): Promise<Original<ScratchDatabase>> {
  const scratch = await createScratchDatabase(databaseUrl, 'shared')
  try {
    // The template must have no connection left when it is copied: the pool is closed before the first copy.
    const db = openPostgres(scratch.url, 4)
    try {
      const made = await generateBoth(db, 'postgres', sizes)
      return { where: scratch, made, release: () => scratch.drop() }
    } finally {
      await db.close()
    }
  } catch (err) {
    await scratch.drop().catch(() => {})
    throw err
  }
}

async function generatePglite(sizes: BusinessSizes): Promise<Original<string>> {
  const folder = mkdtempSync(join(tmpdir(), 'crm-bench-shared-'))
  const dataDir = join(folder, 'data')
  const release = async () => rmSync(folder, { recursive: true, force: true })
  try {
    // As the product opens it: in a thread of its own that checkpoints as the log grows (PGlite has no checkpointer).
    const db = await openPgliteThread(dataDir)
    try {
      const made = await generateBoth(db, 'pglite', sizes)
      return { where: dataDir, made, release }
    } finally {
      await db.close()
    }
  } catch (err) {
    await release()
    throw err
  }
}

/** Migrates the database and writes both businesses: a visit a customer (half invoiced), five notes each on average. */
async function generateBoth(db: Database, engine: SharedBusinesses['engine'], sizes: BusinessSizes): Promise<SharedBusinesses> {
  const t0 = Date.now()
  await migrate(db)
  const large = await business(db, 'large', sizes.large, 7)
  const small = await business(db, 'small', sizes.small, 8)
  return { engine, large, small, generatedSeconds: (Date.now() - t0) / 1000 }
}

async function business(db: Database, name: string, contacts: number, seed: number): Promise<MadeBusiness> {
  const tenant = await createTenant(db, {
    name: `${name === 'large' ? 'Large' : 'Small'} Bench Windows`,
    owner_email: `owner-${name}@bench.example`,
  })
  const t0 = Date.now()
  const data = await generateSearchData(db, tenant.tenant_id, {
    contacts,
    seed,
    ticketsPerContact: 1,
    leads: Math.max(50, Math.round(contacts / 50)),
  })
  return {
    name,
    tenantId: tenant.tenant_id,
    ownerUserId: tenant.owner_user_id,
    agentToken: tenant.agent_token,
    data,
    generatedSeconds: (Date.now() - t0) / 1000,
  }
}
