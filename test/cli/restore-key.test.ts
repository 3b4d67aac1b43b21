import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildIfStale, crm } from './crm.js'

describe('crm restore without CRM_BACKUP_KEY', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'crm-restore-key-'))
  const archive = join(scratch, 'service-crm-all-20261125T023000Z-nightly.crmbackup')
  const env = { CRM_DATA_DIR: join(scratch, 'data') }
  beforeAll(() => {
    buildIfStale()
    writeFileSync(archive, 'sealed bytes')
  }, 120_000)

  it('says the archive opens only with the key it was sealed with and where that key is kept, never to make one', async () => {
    const run = await crm({ env }, 'restore', archive)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /^crm restore: CRM_BACKUP_KEY is not set in this shell, and an archive opens only with the key it was sealed with/,
    )
    expect(run.stderr).toMatch(/password manager/)
    expect(run.stderr).toMatch(/\/etc\/service-crm\/env/)
    expect(run.stderr).not.toMatch(/openssl|make one|generate/i)
  }, 180_000)

  it('with --json, names CRM_BACKUP_KEY as the field', async () => {
    const run = await crm({ env }, 'restore', archive, '--json')
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toEqual({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/opens only with the key it was sealed with/),
      field: 'CRM_BACKUP_KEY',
    })
  }, 180_000)
})
