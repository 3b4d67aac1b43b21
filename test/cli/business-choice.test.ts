import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../core/auth/agent-tokens.js'
import { engines } from '../helpers/databases.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { buildIfStale, crm, emptyTarget, inDatabase, migratedTarget, type CrmTarget } from './crm.js'

/** Every run of the CLI starts a process and, on PGlite, reopens the embedded database: several seconds on a busy machine. */
const CLI_TIMEOUT = 360_000

beforeAll(() => buildIfStale())

/** Waits until the server's output holds a line matching re, and answers its first group. */
async function outputLine(server: ServerProcess, re: RegExp): Promise<string> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const m = re.exec(server.output())
    if (m) return m[1]
  }
  throw new Error(`No line matching ${re} in:\n${server.output()}`)
}

describe.each(engines)('crm commands find the business themselves (%s)', (engine) => {
  let target: CrmTarget
  const whereTheIdIs =
    "(a business's id is on its owner's settings page (/settings), in the server's first start banner (business id: ...) " +
    'and printed by crm tenant create)'
  beforeAll(async () => {
    // Migrated, holding no business: what a command finds there is the test, not how a first start fills the folder.
    target = await migratedTarget(engine)
  })
  afterAll(() => target?.dispose())

  it(
    'none: says how to make one; one: --tenant may be left out; several: --tenant is required and the choices are named',
    async () => {
      const none = await crm(target, 'token', 'create', '--name', 'office manager')
      expect(none.code).toBe(1)
      expect(none.stderr).toMatch(/holds no business yet: create one with crm tenant create/)

      const first = JSON.parse(
        (await crm(target, 'tenant', 'create', '--name', 'Sparkle Windows', '--owner-email', 'o@sparkle.test', '--json')).stdout,
      )
      const made = await crm(target, 'token', 'create', '--name', 'second agent')
      expect(made.stderr).toBe('')
      expect(made.code).toBe(0)
      expect(made.stdout).toContain(`for business "Sparkle Windows" (${first.tenant_id})`)
      const token = /^\s+(crm_\S+)$/m.exec(made.stdout)![1]
      await inDatabase(target, async (db) => {
        expect(await authenticateAgentToken(db, token)).toMatchObject({
          tenantId: first.tenant_id,
          actor: { type: 'agent', name: 'second agent' },
        })
      })
      const listed = await crm(target, 'token', 'list', '--json')
      expect(
        JSON.parse(listed.stdout)
          .map((t: { name: string }) => t.name)
          .sort(),
      ).toEqual(['office manager', 'second agent'])

      const second = JSON.parse(
        (await crm(target, 'tenant', 'create', '--name', 'Clear View', '--owner-email', 'o@clear.test', '--json')).stdout,
      )
      const which = await crm(target, 'token', 'create', '--name', 'third agent')
      expect(which.code).toBe(2)
      expect(which.stdout).toBe('')
      expect(which.stderr).toContain(
        '--tenant is required: this database holds 2 businesses: ' +
          `${first.tenant_id} ("Sparkle Windows"), ${second.tenant_id} ("Clear View") ${whereTheIdIs}`,
      )
      const chosen = await crm(target, 'token', 'create', '--tenant', second.tenant_id, '--name', 'third agent', '--json')
      expect(chosen.code).toBe(0)
      await inDatabase(target, async (db) => {
        expect(await authenticateAgentToken(db, JSON.parse(chosen.stdout).agent_token)).toMatchObject({ tenantId: second.tenant_id })
      })
    },
    CLI_TIMEOUT,
  )

  it(
    'a wrong --tenant names the businesses there are and where a business id is written; a word that is no id says what one is',
    async () => {
      const businesses = await inDatabase(
        target,
        async (db) => (await db.query<{ id: string; name: string }>('select id, name from tenants order by created_at, id')).rows,
      )
      expect(businesses.length).toBeGreaterThan(0)
      const unknown = await crm(target, 'token', 'create', '--tenant', '00000000-0000-4000-8000-000000000000', '--name', 'x')
      expect(unknown.code).toBe(1)
      expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(unknown.stderr).toContain('No business with id 00000000-0000-4000-8000-000000000000 in ')
      expect(unknown.stderr).toContain(`; it holds ${businesses.map((b) => `${b.id} ("${b.name}")`).join(', ')} ${whereTheIdIs}`)
      const notAnId = await crm(target, 'token', 'create', '--tenant', 'Sparkle Windows', '--name', 'x')
      expect(notAnId.code).toBe(1)
      expect(notAnId.stderr).toContain(`--tenant: expected a business id, a UUID: ${whereTheIdIs.slice(1, -1)}`)
    },
    CLI_TIMEOUT,
  )
})

describe("a new owner's first agent token, beside the running server", () => {
  it(
    'embedded database: the banner names the token page, the business id and how to try the demo; crm token create points to that page while the server runs, and works once it stopped',
    async () => {
      const target = await emptyTarget('pglite')
      let server: ServerProcess | undefined
      try {
        server = await startServerProcess({ CRM_DATA_DIR: target.dataDir, LOG_LEVEL: 'warn' })
        expect(await outputLine(server, /tokens: +new agent tokens at (\S+)/)).toBe(`${server.url}/review/connections`)
        const businessId = await outputLine(server, /business id: (\S+)/)
        expect(await outputLine(server, /to try a demo business first .*: (.+)$/m)).toBe('CRM_DEMO=1 CRM_DATA_DIR=./demo-data npm start')
        const page = await fetch(`${server.url}/review/connections`, { redirect: 'manual' })
        expect(page.status, 'an owner page: a signed-out visitor is sent to sign in').toBe(303)

        const refused = await crm(target, 'token', 'create', '--name', 'second agent')
        expect(refused.code).toBe(1)
        expect(refused.stdout).toBe('')
        expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1)
        expect(refused.stderr).toContain(
          `The server at ${server.url} (process ${server.child.pid}) holds the data folder ${target.dataDir}`,
        )
        expect(refused.stderr).toContain(`make the token on its page ${server.url}/review/connections instead, signed in as the owner`)

        await server.stop()
        const made = await crm(target, 'token', 'create', '--name', 'second agent')
        expect(made.stderr).toBe('')
        expect(made.code).toBe(0)
        expect(made.stdout).toContain(`for business "My Service Business" (${businessId})`)
      } finally {
        await server?.stop()
        await target.dispose()
      }
    },
    CLI_TIMEOUT,
  )

  it.runIf(engines.includes('postgres'))(
    'PostgreSQL: crm token create works while the server runs, and that server accepts the token',
    async () => {
      const target = await emptyTarget('postgres')
      let server: ServerProcess | undefined
      try {
        server = await startServerProcess({ ...target.env, LOG_LEVEL: 'warn' })
        const businessId = await outputLine(server, /business id: (\S+)/)
        expect(await outputLine(server, /to try a demo business first .*: (.+)$/m)).toBe(
          'CRM_DEMO=1 DATABASE_URL=<an empty database> npm start',
        )
        const made = await crm(target, 'token', 'create', '--name', 'second agent', '--json')
        expect(made.stderr).toBe('')
        expect(made.code).toBe(0)
        const res = await fetch(`${server.url}/api/data?type=settings`, {
          headers: { authorization: `Bearer ${JSON.parse(made.stdout).agent_token}` },
        })
        expect(res.status).toBe(200)
        expect(((await res.json()) as { data: { items: Array<{ id: string }> } }).data.items[0].id).toBe(businessId)
      } finally {
        await server?.stop()
        await target.dispose()
      }
    },
    CLI_TIMEOUT,
  )
})
