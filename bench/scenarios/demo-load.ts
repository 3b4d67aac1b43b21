import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/kernel/config.js'
import { loadDemo } from '../../core/demo/load-demo.js'
import { PERSONAL_DATA } from '../../core/domains/personal-data.js'
import { openMigratedDatabase } from '../../core/kernel/runtime.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { BenchRow, Scenario } from '../scenario.js'

/** Seconds a first start with CRM_DEMO=1 spends loading the demo, on the database as the server opens it, and what it loaded. */
async function demoLoad(env: Record<string, string>, engine: string): Promise<BenchRow[]> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env })
  const opened = await openMigratedDatabase(config, 'bench demo', PERSONAL_DATA)
  try {
    const services = createServices({ ...config, logLevel: 'silent' }, opened.db)
    const tenant = await createTenant(opened.db, { name: 'Demo Windows', owner_email: 'owner@demo.example' })
    const started = performance.now()
    const cpu = process.cpuUsage()
    const counts = await loadDemo(services, tenant.tenant_id)
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    return [
      {
        measure: `demo load, ${engine} (s)`,
        value: seconds.toFixed(1),
        note: `${counts.customers} customers, ${counts.tickets} tickets (${counts.completed_tickets} completed and billed), ${counts.invoices} invoices`,
      },
      {
        measure: `demo load, ${engine}, CPU of this process (s)`,
        value: ((used.user + used.system) / 1e6).toFixed(1),
        note: 'all threads of the process; the figure a busy machine changes least',
      },
    ]
  } finally {
    await opened.close()
  }
}

/** The demo loaded into a new business on the embedded engine, in its thread as the server runs it. */
export const demoLoadPglite: Scenario = {
  name: 'demo load (PGlite)',
  needs: 'nothing',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'crm-bench-demo-'))
    try {
      return await demoLoad({ CRM_DATA_DIR: join(dir, 'data') }, 'embedded')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

/** The demo loaded into a new business on a scratch PostgreSQL database. */
export const demoLoadPostgres: Scenario = {
  name: 'demo load (PostgreSQL)',
  needs: 'postgres',
  async run(settings) {
    const scratch = await createScratchDatabase(settings.databaseUrl, 'demo')
    try {
      return await demoLoad({ DATABASE_URL: scratch.url }, 'PostgreSQL')
    } finally {
      await scratch.drop()
    }
  },
}
