import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDemo } from '../../cli/demo.js'
import { runTenantCreate } from '../../cli/tenant.js'
import { migratedTarget, type CrmTarget } from '../cli/crm.js'
import { behaviourEngine } from '../helpers/databases.js'

describe(`crm demo (${behaviourEngine})`, () => {
  // Migrated already: loading the demo is the test, not the first start of a data folder.
  let target: CrmTarget
  const saved = { dataDir: process.env.CRM_DATA_DIR, url: process.env.DATABASE_URL }
  beforeAll(async () => {
    target = await migratedTarget(behaviourEngine)
    process.env.CRM_DATA_DIR = target.env.CRM_DATA_DIR
    if (target.env.DATABASE_URL) process.env.DATABASE_URL = target.env.DATABASE_URL
    else delete process.env.DATABASE_URL
  })
  afterAll(async () => {
    if (saved.dataDir === undefined) delete process.env.CRM_DATA_DIR
    else process.env.CRM_DATA_DIR = saved.dataDir
    if (saved.url === undefined) delete process.env.DATABASE_URL
    else process.env.DATABASE_URL = saved.url
    await target?.dispose()
  })

  it('loads a new business, prints the counts, and refuses a second load', async () => {
    const created = JSON.parse(await runTenantCreate(['--name', 'Demo Windows', '--owner-email', 'owner@demo.test', '--json']))
    const counts = JSON.parse(await runDemo(['--tenant', created.tenant_id, '--json']))
    expect(counts).toMatchObject({ customers: 200, services: 4, technicians: 2 })
    await expect(runDemo(['--tenant', created.tenant_id])).rejects.toThrow(/already has contacts/)
  }, 600_000)

  it('names the option when the tenant id is not a UUID', async () => {
    await expect(runDemo(['--tenant', 'abc'])).rejects.toMatchObject({ details: { issues: [{ field: '--tenant' }] } })
  })
})
