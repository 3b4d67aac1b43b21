import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../core/auth/agent-tokens.js'
import { readFunctions, readMigrations } from '../../core/db/migrate.js'
import { withTenant } from '../../core/db/tenant.js'
import { bothEngines } from '../helpers/databases.js'
import { buildIfStale, crm, emptyTarget, inDatabase, type CrmRun, type CrmTarget } from './crm.js'
import { UUID } from '../../core/kernel/schema-types.js'

// Both engines: what it checks differs between the engines.

/** Every run of the CLI starts a process and, on PGlite, reopens the embedded database: several seconds on a busy machine. */
const CLI_TIMEOUT = 180_000

beforeAll(() => buildIfStale())

/** A failure as an operator sees it: one line on stderr, nothing on stdout, no stack trace. */
function expectOneLineError(run: CrmRun, code: number) {
  expect(run.code).toBe(code)
  expect(run.stdout).toBe('')
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(run.stderr).not.toMatch(/\n\s+at /)
}

describe.each(bothEngines)('the crm command line (%s)', (engine) => {
  let target: CrmTarget
  let firstMigrate: CrmRun
  beforeAll(async () => {
    target = await emptyTarget(engine)
    firstMigrate = await crm(target, 'migrate', '--json')
  })
  afterAll(() => target?.dispose())

  it(
    'migrate applies every migration to a new database once, then finds none pending',
    async () => {
      expect(firstMigrate.stderr).toBe('')
      expect(firstMigrate.code).toBe(0)
      expect(JSON.parse(firstMigrate.stdout)).toEqual({
        applied: [...readMigrations().map((m) => m.name), ...readFunctions().map((f) => `functions/${f.name}`)],
        // A new database has nothing to lose: no backup is needed before its first migrations.
        backup_before_migrations: { status: 'not_needed', file: null, reason: 'the database is new' },
      })
      const again = await crm(target, 'migrate')
      expect(again.code).toBe(0)
      expect(again.stdout).toMatch(/^No migrations were pending/)
    },
    CLI_TIMEOUT,
  )

  it(
    'tenant create --json prints only the ids and a token that authenticates as the new business',
    async () => {
      const run = await crm(
        target,
        'tenant',
        'create',
        '--name',
        'Sparkle Windows',
        '--owner-email',
        'Owner@Sparkle.test',
        '--timezone',
        'America/Denver',
        '--json',
      )
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout.split('\n')).toEqual([expect.any(String), ''])
      const created = JSON.parse(run.stdout)
      expect(Object.keys(created).sort()).toEqual(['agent_token', 'owner_user_id', 'tenant_id'])
      expect(created.tenant_id).toMatch(UUID)
      expect(created.tenant_id).toBe(created.tenant_id.toLowerCase())
      expect(created.owner_user_id).toMatch(UUID)
      expect(created.owner_user_id).toBe(created.owner_user_id.toLowerCase())
      expect(created.agent_token).toMatch(/^crm_[a-z0-9]{8}_/)
      await inDatabase(target, async (db) => {
        const principal = await authenticateAgentToken(db, created.agent_token)
        expect(principal).toMatchObject({ tenantId: created.tenant_id, actor: { type: 'agent' } })
        const rows = await withTenant(db, { tenantId: created.tenant_id, actorType: 'system' }, (tx) =>
          tx.query(`select t.name, t.timezone, u.id, u.role from tenants t join users u on u.tenant_id = t.id`),
        )
        expect(rows.rows).toEqual([{ name: 'Sparkle Windows', timezone: 'America/Denver', id: created.owner_user_id, role: 'owner' }])
      })
    },
    CLI_TIMEOUT,
  )

  it(
    'tenant create without --json prints a readable summary with the token',
    async () => {
      const run = await crm(target, 'tenant', 'create', '--name', 'Clear View', '--owner-email', 'owner@clearview.test')
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/Created business "Clear View" \(time zone America\/Chicago\)/)
      expect(run.stdout).toMatch(/agent token: crm_[a-z0-9]{8}_\S+/)
      expect(run.stdout).toMatch(/^ {2}owner: {7}owner@clearview\.test \(user /m)
      expect(run.stdout).toMatch(/^No --owner-name: .* types a name on their card at http:\/\/\S+\/team\.$/m)
      const named = await crm(target, 'tenant', 'create', '--name', 'Named', '--owner-email', 'al@named.test', '--owner-name', 'Al Vance')
      expect(named.code).toBe(0)
      expect(named.stdout).toMatch(/^ {2}owner: {7}Al Vance <al@named\.test> \(user /m)
      expect(named.stdout).not.toContain('--owner-name')
      const stored = await inDatabase(target, (db) => db.query(`select name from users where email = 'al@named.test'`))
      expect(stored.rows).toEqual([{ name: 'Al Vance' }])
    },
    CLI_TIMEOUT,
  )

  it(
    'refuses a bad --owner-email, --timezone or a blank --owner-name naming the option, and creates nothing',
    async () => {
      const badEmail = await crm(target, 'tenant', 'create', '--name', 'Nope', '--owner-email', 'not-an-email')
      expectOneLineError(badEmail, 1)
      expect(badEmail.stderr).toMatch(/--owner-email/)
      const badZone = await crm(target, 'tenant', 'create', '--name', 'Nope', '--owner-email', 'a@nope.test', '--timezone', 'Mars/Olympus')
      expectOneLineError(badZone, 1)
      expect(badZone.stderr).toMatch(/--timezone/)
      const blankName = await crm(target, 'tenant', 'create', '--name', 'Nope', '--owner-email', 'a@nope.test', '--owner-name', '  ')
      expectOneLineError(blankName, 1)
      expect(blankName.stderr).toMatch(/--owner-name: is blank: give a name, or leave it out/)
      const tenants = await inDatabase(target, (db) => db.query(`select 1 from tenants where name = 'Nope'`))
      expect(tenants.rows).toEqual([])
    },
    CLI_TIMEOUT,
  )

  it(
    'token create issues a working token; token revoke (with or without crm_) stops it',
    async () => {
      const tenant = JSON.parse(
        (await crm(target, 'tenant', 'create', '--name', 'Token Co', '--owner-email', 'o@token.test', '--json')).stdout,
      )
      const first = await crm(target, 'token', 'create', '--tenant', tenant.tenant_id, '--name', 'second agent', '--json')
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      const { agent_token: token, ...rest } = JSON.parse(first.stdout)
      expect(rest).toEqual({})
      const second = JSON.parse(
        (await crm(target, 'token', 'create', '--tenant', tenant.tenant_id, '--name', 'third agent', '--json')).stdout,
      ).agent_token
      await inDatabase(target, async (db) => {
        expect(await authenticateAgentToken(db, token)).toMatchObject({
          tenantId: tenant.tenant_id,
          actor: { type: 'agent', name: 'second agent' },
        })
        expect(await authenticateAgentToken(db, second)).toMatchObject({ tenantId: tenant.tenant_id })
      })

      const prefixOf = (t: string) => t.split('_')[1]
      const revoked = await crm(target, 'token', 'revoke', `crm_${prefixOf(token)}`)
      expect(revoked.code).toBe(0)
      expect(revoked.stdout).toMatch(`Revoked agent token crm_${prefixOf(token)}`)
      expect((await crm(target, 'token', 'revoke', prefixOf(second))).code).toBe(0)
      await inDatabase(target, async (db) => {
        expect(await authenticateAgentToken(db, token)).toBeNull()
        expect(await authenticateAgentToken(db, second)).toBeNull()
        expect(await authenticateAgentToken(db, tenant.agent_token)).not.toBeNull()
      })

      const list = await crm(target, 'token', 'list', '--tenant', tenant.tenant_id, '--json')
      const byName = Object.fromEntries(JSON.parse(list.stdout).map((t: any) => [t.name, t.revoked_at !== null]))
      expect(byName).toEqual({ 'office manager': false, 'second agent': true, 'third agent': true })
    },
    CLI_TIMEOUT,
  )

  it.runIf(engine === 'pglite')(
    'says the data folder is in use while another process holds it, and works once it stopped',
    async () => {
      const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
      const exited = new Promise((r) => holder.once('exit', r))
      try {
        await new Promise((r) => holder.once('spawn', r))
        const lockFile = join(target.dataDir, 'crm.lock')
        writeFileSync(lockFile, JSON.stringify({ pid: holder.pid, purpose: 'server', since: new Date().toISOString() }))
        const inUse = `The data folder ${target.dataDir} is in use by process ${holder.pid} (server`
        const run = await crm(target, 'migrate')
        expectOneLineError(run, 1)
        expect(run.stderr).toContain(inUse)
        // With --json the same refusal is the one line of JSON on stdout.
        const json = await crm(target, 'tenant', 'create', '--name', 'Busy', '--owner-email', 'o@busy.test', '--json')
        expect(json.code).toBe(1)
        expect(json.stderr).toBe('')
        expect(JSON.parse(json.stdout)).toEqual({ code: 'CONFLICT', message: expect.stringContaining(inUse) })
        holder.kill()
        await exited
        const freed = await crm(target, 'migrate')
        expect(freed.stderr).toBe('')
        expect(freed.code).toBe(0)
        expect(existsSync(lockFile)).toBe(false)
      } finally {
        holder.kill()
      }
    },
    CLI_TIMEOUT,
  )

  it(
    'token commands refuse a tenant or prefix that does not exist',
    async () => {
      const noTenant = await crm(target, 'token', 'create', '--tenant', '00000000-0000-4000-8000-000000000000', '--name', 'x')
      expectOneLineError(noTenant, 1)
      expect(noTenant.stderr).toMatch(/No business with id 00000000-0000-4000-8000-000000000000 in /)
      const notAnId = await crm(target, 'token', 'create', '--tenant', 'sparkle', '--name', 'x')
      expectOneLineError(notAnId, 1)
      expect(notAnId.stderr).toMatch(/--tenant/)
      const noToken = await crm(target, 'token', 'revoke', 'crm_zzzzzzzz')
      expectOneLineError(noToken, 1)
      expect(noToken.stderr).toMatch(/No agent token with prefix zzzzzzzz/)
    },
    CLI_TIMEOUT,
  )
})

describe('crm usage', () => {
  const untouched = join(tmpdir(), `crm-cli-untouched-${process.pid}`)
  const nowhere = { env: { CRM_DATA_DIR: untouched } }
  const everyCommand = ['crm tenant create', 'crm token create', 'crm token list', 'crm token revoke', 'crm migrate', 'crm help']

  it('help and no arguments list every command and exit 0', async () => {
    for (const args of [['help'], []]) {
      const run = await crm(nowhere, ...args)
      expect(run.code).toBe(0)
      for (const command of everyCommand) expect(run.stdout).toContain(command)
    }
  })

  it('an unknown command exits 2 with the usage on stderr', async () => {
    const run = await crm(nowhere, 'tenant', 'delete')
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^crm: unknown command 'tenant delete'/)
    for (const command of everyCommand) expect(run.stderr).toContain(command)
  })

  it('a missing or unknown option exits 2 naming it, before touching any data', async () => {
    const missing = await crm(nowhere, 'tenant', 'create', '--name', 'X')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--owner-email is required/)
    const unknown = await crm(
      nowhere,
      'token',
      'create',
      '--tenant',
      '00000000-0000-4000-8000-000000000000',
      '--name',
      'x',
      '--colour',
      'red',
    )
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/Unknown option '--colour'/)
    const extra = await crm(nowhere, 'migrate', 'now')
    expect(extra.code).toBe(2)
    expect(extra.stderr).toMatch(/Unexpected argument 'now'/)
    expect(existsSync(untouched)).toBe(false)
  })
})
