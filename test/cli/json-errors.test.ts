import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RestoreRefused } from '../../core/backup/load.js'
import { ArchiveError } from '../../core/backup/archive-error.js'
import { DataDirInUse } from '../../core/db/data-dir-lock.js'
import { AppError, validationError } from '../../core/kernel/errors.js'
import { UsageError } from '../../cli/command.js'
import { failureOf } from '../../cli/failure.js'
import { backupKey } from '../helpers/backups.js'
import { behaviourEngine } from '../helpers/databases.js'
import { buildIfStale, crm, migratedTarget, type CrmRun, type CrmTarget } from './crm.js'

/** Every run of the CLI starts a process: seconds on a busy machine. */
const CLI_TIMEOUT = 180_000

/** A failed --json run as a script reads it: one line of JSON on stdout, nothing on stderr, a nonzero exit code. */
function jsonError(run: CrmRun, exit: number): { code: string; message: string; field?: string } {
  expect(run.stderr).toBe('')
  expect(run.code).toBe(exit)
  expect(run.stdout.trimEnd().split('\n')).toHaveLength(1)
  const parsed = JSON.parse(run.stdout)
  expect(Object.keys(parsed).sort()).toEqual(parsed.field === undefined ? ['code', 'message'] : ['code', 'field', 'message'])
  return parsed
}

describe('the errors of a command run with --json', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'crm-json-errors-'))
  const nowhere = { env: { CRM_DATA_DIR: join(scratch, 'untouched') } }
  let target: CrmTarget
  beforeAll(async () => {
    buildIfStale()
    target = await migratedTarget(behaviourEngine)
  }, 120_000)
  afterAll(() => target?.dispose())

  it(
    'every command that lists --json prints a wrong option as JSON on stdout with exit code 2, naming the option',
    async () => {
      const help = await crm(nowhere, 'help')
      const takingJson = [...help.stdout.matchAll(/^ {2}crm ([a-z][a-z-]*(?: [a-z][a-z-]*)*) (.*\[--json\].*)$/gm)].map((m) =>
        m[1].split(' '),
      )
      // tenant create, token create, token list, token revoke, migrate, demo, the imports, worker, backup, restore, doctor
      expect(takingJson.length).toBeGreaterThanOrEqual(13)
      for (const words of takingJson) {
        const run = await crm(nowhere, ...words, '--json', '--colour', 'red')
        expect(jsonError(run, 2), words.join(' ')).toEqual({
          code: 'VALIDATION_ERROR',
          message: "Unknown option '--colour'",
          field: '--colour',
        })
      }
    },
    CLI_TIMEOUT,
  )

  it(
    'names the missing option or argument, and a value the option does not take',
    async () => {
      const missing = jsonError(await crm(nowhere, 'tenant', 'create', '--name', 'X', '--json'), 2)
      expect(missing).toEqual({ code: 'VALIDATION_ERROR', message: '--owner-email is required', field: '--owner-email' })
      const noFile = jsonError(await crm(nowhere, 'restore', '--json'), 2)
      expect(noFile).toEqual({ code: 'VALIDATION_ERROR', message: 'FILE is required', field: 'FILE' })
      const badTenant = jsonError(await crm(nowhere, 'backup', '--tenant', 'sparkle', '--json'), 1)
      expect(badTenant).toMatchObject({ code: 'VALIDATION_ERROR', field: '--tenant' })
      expect(badTenant.message).toMatch(/^--tenant: /)
    },
    CLI_TIMEOUT,
  )

  it(
    'a failure of the work itself carries its code, with exit code 1',
    async () => {
      const key = backupKey().toString('base64')
      const notAnArchive = join(scratch, 'notes.txt')
      writeFileSync(notAnArchive, 'not a backup')
      const restore = jsonError(await crm({ env: { ...nowhere.env, CRM_BACKUP_KEY: key } }, 'restore', notAnArchive, '--json'), 1)
      expect(restore).toEqual({ code: 'VALIDATION_ERROR', message: 'This file is not a Service CRM backup archive', field: 'FILE' })
      const unknown = jsonError(await crm(target, 'token', 'list', '--tenant', '00000000-0000-4000-8000-000000000000', '--json'), 1)
      expect(unknown).toMatchObject({ code: 'NOT_FOUND', field: '--tenant' })
      expect(unknown.message).toMatch(/^No business with id 00000000-0000-4000-8000-000000000000 in the (embedded|PostgreSQL) database/)
    },
    CLI_TIMEOUT,
  )

  it(
    'without --json the same failures stay one line of text on stderr',
    async () => {
      const run = await crm(nowhere, 'restore')
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(/^crm restore: FILE is required\nUsage: crm restore FILE/)
      // A command without --json is answered in text even when it is given one.
      const unlisted = await crm(nowhere, 'export', 'contacts', '--json')
      expect(unlisted.code).toBe(2)
      expect(unlisted.stderr).toMatch(/^crm export: Unknown option '--json'/)
    },
    CLI_TIMEOUT,
  )
})

describe('the code a failure is given', () => {
  it('keeps the codes of the product errors and names the other kinds a command meets', () => {
    expect(failureOf(new UsageError('--tenant is required', '--tenant'), '--tenant is required')).toEqual({
      exit: 2,
      code: 'VALIDATION_ERROR',
      message: '--tenant is required',
      field: '--tenant',
    })
    const invalid = validationError([{ field: '--batch-size', message: 'must be at most 5000' }])
    expect(failureOf(invalid, invalid.message)).toMatchObject({ exit: 1, code: 'VALIDATION_ERROR', field: '--batch-size' })
    expect(failureOf(new AppError('UNAVAILABLE', 'down'), 'down')).toEqual({ exit: 1, code: 'UNAVAILABLE', message: 'down' })
    const held = new DataDirInUse('/srv/data', { pid: 42, purpose: 'server', since: '2026-11-25T02:30:00Z' })
    expect(failureOf(held, 'held\n  by 42')).toEqual({ exit: 1, code: 'CONFLICT', message: 'held by 42' })
    expect(failureOf(new RestoreRefused('holds a business'), 'holds a business')).toMatchObject({ code: 'CONFLICT' })
    expect(failureOf(new ArchiveError('wrong_key', 'not the key'), 'not the key')).toMatchObject({ field: 'CRM_BACKUP_KEY' })
    expect(failureOf(new Error('PORT must be a port number'), 'PORT must be a port number')).toEqual({
      exit: 1,
      code: 'INTERNAL',
      message: 'PORT must be a port number',
    })
  })
})
