import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runDemo } from '../../cli/demo.js'
import { runTenantCreate } from '../../cli/tenant.js'
import { unpackMigratedDataDir } from '../helpers/migrated-data-dir.js'

describe('crm demo (embedded database)', () => {
  // Migrated already: loading the demo is the test, not the first start of a data folder.
  const dir = unpackMigratedDataDir(mkdtempSync(join(tmpdir(), 'crm-demo-')))
  const saved = { dataDir: process.env.CRM_DATA_DIR, url: process.env.DATABASE_URL }
  process.env.CRM_DATA_DIR = dir
  delete process.env.DATABASE_URL
  afterAll(() => {
    if (saved.dataDir === undefined) delete process.env.CRM_DATA_DIR
    else process.env.CRM_DATA_DIR = saved.dataDir
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url
    rmSync(dir, { recursive: true, force: true })
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
