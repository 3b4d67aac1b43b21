import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backupDir, backupKey } from '../helpers/backups.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { buildIfStale, crm, migratedTarget, type CrmTarget } from './crm.js'

describe('crm backup says whether the server or the shell lacks CRM_BACKUP_KEY', () => {
  const key = backupKey().toString('base64')
  const archives = backupDir()
  let embedded: CrmTarget
  let server: ServerProcess | undefined

  beforeAll(async () => {
    buildIfStale()
    embedded = await migratedTarget('pglite')
    // The server starts without a key in its environment.
    server = await startServerProcess({ ...embedded.env, CRM_BACKUP_DIR: archives, CRM_WORKER: 'off', LOG_LEVEL: 'warn' })
  }, 180_000)
  afterAll(async () => {
    await server?.stop()
    await embedded?.dispose()
  })

  it('with the key in the shell only: the server lacks it, and is restarted with it in its environment', async () => {
    const run = await crm({ env: { ...embedded.env, CRM_BACKUP_DIR: archives, CRM_BACKUP_KEY: key } }, 'backup')
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^crm backup: The running server has no CRM_BACKUP_KEY in its environment/)
    expect(run.stderr).toMatch(/Add CRM_BACKUP_KEY to the server's environment .*\/etc\/service-crm\/env.* and restart the server/)
    expect(run.stderr).not.toMatch(/Backups are off: set CRM_BACKUP_KEY/)
  }, 180_000)

  it('with --json, the same refusal names CRM_BACKUP_KEY as the field', async () => {
    const run = await crm({ env: { ...embedded.env, CRM_BACKUP_DIR: archives, CRM_BACKUP_KEY: key } }, 'backup', '--json')
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toEqual({
      code: 'CONFLICT',
      message: expect.stringMatching(/^The running server has no CRM_BACKUP_KEY/),
      field: 'CRM_BACKUP_KEY',
    })
  }, 180_000)

  it('with the key in neither: the shell lacks it, set to the server key or made new for both', async () => {
    const run = await crm({ env: { ...embedded.env, CRM_BACKUP_DIR: archives } }, 'backup')
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^crm backup: CRM_BACKUP_KEY is not set in this shell/)
    expect(run.stderr).toMatch(/Set it here to the key the server has/)
    expect(run.stderr).toMatch(/make one with `openssl rand -base64 32`, put it in the server's environment too and restart the server/)
  }, 180_000)
})
