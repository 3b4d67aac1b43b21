import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate } from '../../core/db/migrate.js'
import { openPgliteThread } from '../../core/db/pglite-thread.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { generateSearchData } from '../generate-search-data.js'
import type { BenchRow, Scenario } from '../scenario.js'

/** Customers in the data folder (BENCH_LIMIT_CONTACTS): the folder's size is what opening it again costs. */
const CONTACTS = Number(process.env.BENCH_LIMIT_CONTACTS ?? 5_000)
/** The statement limit set for the measure; the product's default is 15 s. */
const LIMIT_MS = 2_000

/**
 * One statement stuck on the embedded engine under a statement limit, as the server runs it on a data folder: when its
 * caller is answered, when the next request is answered (the folder opened again), and whether what was committed is there.
 */
export const statementLimit: Scenario = {
  name: 'embedded statement limit',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    setLogLevel('silent')
    const folder = mkdtempSync(join(tmpdir(), 'crm-bench-limit-'))
    const db = await openPgliteThread(join(folder, 'data'))
    try {
      await migrate(db)
      const tenant = await createTenant(db, { name: 'Limit Bench Windows', owner_email: 'owner@limit-bench.example' })
      await generateSearchData(db, tenant.tenant_id, { contacts: CONTACTS, notesPerContact: 2, ticketsPerContact: 1, leads: 100, seed: 21 })
      const count = async () => (await db.query<{ n: number }>('select count(*)::int as n from contacts')).rows[0].n
      const before = await count()
      db.limitStatements(LIMIT_MS)
      const started = performance.now()
      const stuck = db.query('select pg_sleep(600)').then(
        () => 'finished',
        (e: Error) => e.message,
      )
      const queued = db.query('select 1').then(
        () => 'answered',
        (e: Error) => e.message,
      )
      const outcome = await stuck
      const stoppedMs = performance.now() - started
      const queuedOutcome = await queued
      const after = await count()
      const answeredMs = performance.now() - started
      return [
        {
          measure: 'data folder',
          value: `${CONTACTS} contacts`,
          note: `${before} contacts, 2 notes and a visit each; limit set to ${LIMIT_MS / 1000} s for the measure (CRM_DB_STATEMENT_TIMEOUT_MS, 15 s by default)`,
        },
        {
          measure: 'stuck statement answered after, s',
          value: (stoppedMs / 1000).toFixed(2),
          target: `<= ${(LIMIT_MS + 500) / 1000}`,
          met: stoppedMs <= LIMIT_MS + 500,
          note: outcome.slice(0, 120),
        },
        {
          measure: 'request queued behind it',
          value: queuedOutcome === 'answered' ? 'answered' : '503',
          note: queuedOutcome.slice(0, 120),
        },
        {
          measure: 'next request answered after, s',
          value: (answeredMs / 1000).toFixed(2),
          note: `the folder opened again in ${((answeredMs - stoppedMs) / 1000).toFixed(2)} s in a new thread`,
        },
        { measure: 'committed rows after the restart', value: `${after} of ${before}`, target: `= ${before}`, met: after === before },
      ]
    } finally {
      await db.close()
      rmSync(folder, { recursive: true, force: true })
    }
  },
}
