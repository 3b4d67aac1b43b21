import { randomUUID } from 'node:crypto'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { squareCsv, squareCustomers, squareItems, squareItemsCsv, squareSales, squareSalesCsv } from '../../core/demo/square-export.js'
import { importInBatches } from '../../core/domains/imports/run-import.js'
import { planSquareCustomers } from '../../core/domains/imports/square-customers.js'
import { planSquareItems } from '../../core/domains/imports/square-items.js'
import { planSquareSales } from '../../core/domains/imports/square-sales.js'
import { writeUnitsInBatches } from '../../core/domains/imports/write-in-chunks.js'
import { serviceWriter } from '../../core/domains/imports/write-services.js'
import { visitWriter } from '../../core/domains/imports/write-visits.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'

/** Customers in the generated Square export: BENCH_IMPORT_CUSTOMERS on PostgreSQL, BENCH_IMPORT_CUSTOMERS_PGLITE on PGlite. */
const COUNTS = {
  PostgreSQL: Number(process.env.BENCH_IMPORT_CUSTOMERS ?? 10_000),
  PGlite: Number(process.env.BENCH_IMPORT_CUSTOMERS_PGLITE ?? 2_000),
}

/** Customers whose past visits (one to four each) are imported from a generated item sales export after the customers. */
const HISTORY_CUSTOMERS = { PostgreSQL: 2_000, PGlite: 500 }

/** A Square customer export imported into a new business (the dry run, the import in batches of 500, the same file again), then past visits. */
async function measure(db: Database, engine: keyof typeof COUNTS): Promise<BenchRow[]> {
  const COUNT = COUNTS[engine]
  await migrate(db)
  const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent' }), logLevel: 'silent' }, db)
  const tenant = await createTenant(db, { name: 'Moving Windows', owner_email: 'owner@moving.example' })
  const principal = { tenantId: tenant.tenant_id, actor: { type: 'system' as const, id: null } }
  const customers = squareCustomers(COUNT, 11)
  const rows = planSquareCustomers(squareCsv(customers))
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
    measure: `${engine}: ${COUNT} customers, ${what}`,
    value: `${r.seconds.toFixed(1)} s (${Math.round(COUNT / r.seconds)} rows/s)`,
    ...(target ? { target: `<= ${target} s`, met: r.seconds <= target && ok } : {}),
  })
  await writeUnitsInBatches(services, principal, planSquareItems(squareItemsCsv(squareItems())), async () => serviceWriter, {
    dryRun: false,
    batchSize: 500,
    requestId: randomUUID(),
  })
  const sales = planSquareSales(squareSalesCsv(squareSales(customers.slice(0, HISTORY_CUSTOMERS[engine]), squareItems(), 4, 3)))
  const history = async (dryRun: boolean) => {
    const started = performance.now()
    const report = await writeUnitsInBatches(services, principal, sales, visitWriter, { dryRun, batchSize: 500, requestId: randomUUID() })
    const seconds = (performance.now() - started) / 1000
    return {
      measure: `${engine}: ${sales.length} past visits (${report.total} sale rows), ${dryRun ? 'dry run' : 'import'}`,
      value: `${seconds.toFixed(1)} s (${Math.round(report.total / seconds)} rows/s)`,
      note: `created ${report.created}, matched ${report.matched}`,
    }
  }
  return [
    row('dry run', dry),
    row('import', first, engine === 'PostgreSQL' ? 30 : undefined),
    { ...row('same file again', again), note: `created ${again.report.created}, matched ${again.report.matched}` },
    await history(true),
    await history(false),
  ]
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
