import { randomUUID } from 'node:crypto'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { squareCsv, squareCustomers } from '../../core/demo/square-export.js'
import { importInBatches } from '../../core/domains/imports/run-import.js'
import { planSquareCustomers } from '../../core/domains/imports/square-customers.js'
import { createTenant } from '../../core/tenants.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'

/** Customers in the generated Square export: BENCH_IMPORT_CUSTOMERS on PostgreSQL, BENCH_IMPORT_CUSTOMERS_PGLITE on PGlite. */
const COUNTS = { PostgreSQL: Number(process.env.BENCH_IMPORT_CUSTOMERS ?? 10_000), PGlite: Number(process.env.BENCH_IMPORT_CUSTOMERS_PGLITE ?? 2_000) }

/** A Square customer export imported into a new business: the dry run, the import in batches of 500, and the same file again. */
async function measure(db: Database, engine: keyof typeof COUNTS): Promise<BenchRow[]> {
  const COUNT = COUNTS[engine]
  await migrate(db)
  const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent' }), logLevel: 'silent' }, db)
  const tenant = await createTenant(db, { name: 'Moving Windows', owner_email: 'owner@moving.example' })
  const principal = { tenantId: tenant.tenant_id, actor: { type: 'system' as const, id: null } }
  const rows = planSquareCustomers(squareCsv(squareCustomers(COUNT, 11)))
  const timed = async (dryRun: boolean) => {
    const started = performance.now()
    const report = await importInBatches(services, principal, rows, { dryRun, batchSize: 500, requestId: randomUUID() })
    return { seconds: (performance.now() - started) / 1000, report }
  }
  const dry = await timed(true)
  const first = await timed(false)
  const again = await timed(false)
  const ok = first.report.created === COUNT && again.report.created === 0 && dry.report.created === COUNT
  const row = (what: string, r: { seconds: number }, target?: number): BenchRow => ({
    measure: `${engine}: ${COUNT} customers, ${what}`, value: `${r.seconds.toFixed(1)} s (${Math.round(COUNT / r.seconds)} rows/s)`,
    ...(target ? { target: `< ${target} s`, met: r.seconds < target && ok } : {}),
  })
  return [row('dry run', dry), row('import', first, engine === 'PostgreSQL' ? 60 : undefined),
    { ...row('same file again', again), note: `created ${again.report.created}, matched ${again.report.matched}` }]
}

/** The Square customer import on the PostgreSQL server. */
export const squareImportPostgres: Scenario = {
  name: 'square import (PostgreSQL)',
  needs: 'postgres',
  async run(settings: BenchSettings): Promise<BenchRow[]> {
    const scratch = await createScratchDatabase(settings.databaseUrl, 'import')
    const db = openPostgres(scratch.url, 4)
    try {
      return await measure(db, 'PostgreSQL')
    } finally {
      await db.close()
      await scratch.drop()
    }
  },
}

/** The Square customer import on the embedded engine. */
export const squareImportPglite: Scenario = {
  name: 'square import (PGlite)',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    const db = await openPglite(undefined)
    try {
      return await measure(db, 'PGlite')
    } finally {
      await db.close()
    }
  },
}
