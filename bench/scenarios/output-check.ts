import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServices } from '../../api/product.js'
import { PERSONAL_DATA } from '../../core/domains/personal-data.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Principal, Services } from '../../core/kernel/context.js'
import { performAction, performQuery } from '../../core/kernel/operations.js'
import { openMigratedDatabase } from '../../core/kernel/runtime.js'
import { createTenant } from '../../core/kernel/tenants.js'
import type { BenchRow, Scenario } from '../scenario.js'
import { nameTag } from '../name-tag.js'
import { median } from '../load.js'

/** Customers in the business, and calls timed per kind and setting. */
const CUSTOMERS = 100
const CALLS = 60

/** Milliseconds of each of CALLS calls, taken in turn. */
async function timed(call: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now()
    await call(i)
    times.push(performance.now() - started)
  }
  return times
}

/** A page of 100 customers read, and a customer updated, with the output check on and off: what checking every answer costs. */
async function measure(services: (check: boolean) => Services, principal: Principal, ids: string[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const kinds: [string, (s: Services, i: number) => Promise<unknown>][] = [
    ['contacts, a page of 100', (s, i) => performQuery(s, principal, { type: 'contacts', limit: 100 }, { requestId: `bench-read-${i}` })],
    [
      'contact.update',
      (s, i) =>
        performAction(
          s,
          principal,
          { domain: 'contact', action: 'update', data: { contact_id: ids[i % ids.length], about: `note ${i}` } },
          { requestId: `bench-update-${i}` },
        ),
    ],
  ]
  for (const [kind, call] of kinds) {
    // Each setting warms up once, then the two take turns so a busy machine weighs on both alike.
    await timed((i) => call(services(true), i))
    await timed((i) => call(services(false), i))
    const on: number[] = []
    const off: number[] = []
    for (let round = 0; round < 3; round++) {
      on.push(...(await timed((i) => call(services(true), i))))
      off.push(...(await timed((i) => call(services(false), i))))
    }
    const [withCheck, without] = [median(on), median(off)]
    rows.push({
      measure: `${kind}, output checked (median ms)`,
      value: withCheck.toFixed(2),
      note:
        `not checked: ${without.toFixed(2)} ms; ` +
        `the check adds ${(withCheck - without).toFixed(2)} ms (${(((withCheck - without) / without) * 100).toFixed(1)} %)`,
    })
  }
  return rows
}

/** What CRM_CHECK_OUTPUT costs a call on the embedded engine: on in tests and development, off in production. */
export const outputCheck: Scenario = {
  name: 'output check (PGlite)',
  needs: 'nothing',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'crm-bench-output-'))
    const config = loadConfig({ LOG_LEVEL: 'silent', CRM_DATA_DIR: join(dir, 'data') })
    const opened = await openMigratedDatabase(config, 'bench output check', PERSONAL_DATA)
    try {
      const checked = createServices({ ...config, logLevel: 'silent', checkOutput: true }, opened.db)
      const unchecked = createServices({ ...config, logLevel: 'silent', checkOutput: false }, opened.db)
      const tenant = await createTenant(opened.db, { name: 'Output Check', owner_email: 'owner@output.example' })
      const principal: Principal = { tenantId: tenant.tenant_id, actor: { type: 'user', id: tenant.owner_user_id, role: 'owner' } }
      const ids: string[] = []
      for (let i = 0; i < CUSTOMERS; i++) {
        const made = await performAction(
          checked,
          principal,
          {
            domain: 'contact',
            action: 'create',
            data: {
              display_name: `Customer ${nameTag(i)}`,
              email: `customer${i}@output.example`,
              phone: `256555${String(i).padStart(4, '0')}`,
            },
          },
          { requestId: `bench-make-${i}` },
        )
        ids.push((made.result as { id: string }).id)
      }
      return await measure((check) => (check ? checked : unchecked), principal, ids)
    } finally {
      await opened.close()
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
