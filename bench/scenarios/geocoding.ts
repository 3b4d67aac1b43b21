import { randomUUID } from 'node:crypto'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { squareCsv, squareCustomers } from '../../core/demo/square-export.js'
import { locateAddresses } from '../../core/domains/geocoding/locate-job.js'
import { importInBatches } from '../../core/domains/imports/run-import.js'
import { planSquareCustomers } from '../../core/domains/imports/square-customers.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { startFakeCensusGeocoder } from '../fake-census-geocoder.js'
import type { BenchRow, Scenario } from '../scenario.js'

/** Customers of the imported Square export, each with a service address (BENCH_GEOCODING_CUSTOMERS). */
const CUSTOMERS = Number(process.env.BENCH_GEOCODING_CUSTOMERS ?? 10_000)

/**
 * A Square export of 10,000 customers imported into a new business on the embedded engine, then every address located
 * by the worker's passes against the local Census Geocoder (bench/fake-census-geocoder.ts), which answers at once: the
 * time is the product's own (batches built, answers parsed and written), not the Census service's.
 */
export const geocodingImport: Scenario = {
  name: 'geocoding an import',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    const fake = await startFakeCensusGeocoder()
    const db = await openPglite(undefined)
    try {
      await migrate(db)
      const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent', ...fake.env }), logLevel: 'silent' }, db)
      const tenant = await createTenant(db, { name: 'Mapped Windows', owner_email: 'owner@mapped.example' })
      const principal = { tenantId: tenant.tenant_id, actor: { type: 'system' as const, id: null } }
      const rows = planSquareCustomers(squareCsv(squareCustomers(CUSTOMERS, 11)))
      const report = await importInBatches(services, principal, rows, { dryRun: false, batchSize: 500, requestId: randomUUID() })
      const started = performance.now()
      const totals = { found: 0, notFound: 0, failed: 0, passes: 0 }
      for (;;) {
        const pass = await locateAddresses(services)
        totals.passes++
        totals.found += pass.found
        totals.notFound += pass.notFound
        totals.failed += pass.failed
        if (!pass.found && !pass.notFound && !pass.failed) break
      }
      const seconds = (performance.now() - started) / 1000
      const located = totals.found + totals.notFound
      const left = await db.query<{ n: number }>(`select count(*)::int as n from addresses where point_status in ('pending', 'failed')`)
      return [
        {
          measure: `PGlite: ${report.created} imported customers' addresses located`,
          value: `${seconds.toFixed(1)} s (${Math.round(located / seconds)} addresses/s)`,
          note: `${totals.found} found, ${totals.notFound} not found, ${totals.failed} failed, in ${totals.passes - 1} passes of one call of up to 1,000 addresses (${fake.requests.length} calls); the local geocoder answers at once, so this is the product's own time`,
        },
        { measure: 'PGlite: addresses left without an answer', value: String(left.rows[0].n), target: '0', met: left.rows[0].n === 0 },
      ]
    } finally {
      await db.close()
      await fake.close()
    }
  },
}
