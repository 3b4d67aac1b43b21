import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, chownSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../bench/balancer-processes.js'
import { root } from '../helpers/build.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'

/** Where Debian's postgresql-15 package puts initdb, pg_ctl and postgres. */
const PG_BIN = '/usr/lib/postgresql/15/bin'
/** Where Debian's pgbackrest package puts pgBackRest. */
const PGBACKREST = '/usr/bin/pgbackrest'
/** The files operators install, used here with this test's folders and port. */
const DEPLOY = join(root, 'deploy/pgbackrest')
/** The page operators follow: the test runs its pgBackRest commands and its audit query as written there. */
const DOC = readFileSync(join(root, 'docs/point-in-time.md'), 'utf8')
/** PostgreSQL refuses to run as root: as root, every command of the cluster runs as this user. */
const CLUSTER_USER = 'postgres'
const asRoot = process.getuid?.() === 0

/** Null when PostgreSQL 15 and pgBackRest are installed (and, as root, the postgres user exists), else what is missing. */
function missing(): string | null {
  for (const path of [join(PG_BIN, 'initdb'), join(PG_BIN, 'pg_ctl'), PGBACKREST]) {
    try {
      accessSync(path, constants.X_OK)
    } catch {
      return `${path} not installed (apt-get install postgresql-15 pgbackrest)`
    }
  }
  if (asRoot && !userIds(CLUSTER_USER)) return `no user ${CLUSTER_USER} to run PostgreSQL as`
  return null
}

/** A user's uid and gid from /etc/passwd, or null. */
function userIds(name: string): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`))
  if (!line) return null
  const [, , uid, gid] = line.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}

/** Replaces the one line of a configuration that starts with `prefix`; fails when the file has no such line. */
function replaceLine(text: string, prefix: string, line: string): string {
  const found = text.split('\n').filter((l) => l.startsWith(prefix))
  if (found.length !== 1)
    throw new Error(`expected one line starting with '${prefix}' in the deployed configuration, found ${found.length}`)
  return text
    .split('\n')
    .map((l) => (l.startsWith(prefix) ? line : l))
    .join('\n')
}

/** A command line split into its words as a shell splits this simple form: spaces, and double quotes around a word. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2])
}

/** The arguments of the one pgBackRest command of the doc's shell blocks that ends with `last` (comments dropped). */
function documented(last: string): string[] {
  const lines = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('pgbackrest ') && l.endsWith(` ${last}`))
  const distinct = [...new Set(lines)]
  if (distinct.length !== 1)
    throw new Error(`expected one 'pgbackrest ... ${last}' in docs/point-in-time.md, found ${JSON.stringify(distinct)}`)
  return words(distinct[0]).slice(1)
}

/** The doc's query of the audit log. */
function documentedQuery(): string {
  const m = /```sql\n([\s\S]*?)```/.exec(DOC)
  if (!m) throw new Error('docs/point-in-time.md has no sql block')
  return m[1]
}

/** The deployed cron file's commands, by backup type, without the schedule and the user. */
function cronBackups(): Record<'full' | 'diff', string[]> {
  const entries = readFileSync(join(DEPLOY, 'pgbackrest-crm.cron'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map(words)
  const of = (type: string) => {
    const entry = entries.find((e) => e.includes(`--type=${type}`))
    expect(entry, `a ${type} backup in pgbackrest-crm.cron`).toBeDefined()
    // minute hour day month weekday user command...
    expect(entry!.slice(5, 7)).toEqual([CLUSTER_USER, 'pgbackrest'])
    return entry!.slice(7)
  }
  return { full: of('full'), diff: of('diff') }
}

const skipped = missing()

describe.skipIf(skipped)(`point in time recovery with pgBackRest (deploy/pgbackrest)${skipped ? `: skipped, ${skipped}` : ''}`, () => {
  let dir: string
  let data: string
  let config: string
  let port: number
  let databaseUrl: string
  const servers: ServerProcess[] = []

  /** Runs a command as the cluster's user (as this user when not root) with the test's pgBackRest configuration; resolves to its output. */
  const run = (command: string, args: string[]): Promise<string> => {
    const argv = [command, ...args]
    const [file, ...rest] = asRoot ? ['runuser', '-u', CLUSTER_USER, '--', 'env', `PGBACKREST_CONFIG=${config}`, ...argv] : argv
    return new Promise((resolve, reject) => {
      // The cluster's user may not enter the folder the tests run in: commands run in the test's own.
      const child = spawn(file, rest, { cwd: dir, env: { ...process.env, PGBACKREST_CONFIG: config }, stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      child.stderr.on('data', (d) => (out += d))
      child.once('error', reject)
      child.once('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} exited with ${code}:\n${out.slice(-4000)}`)),
      )
    })
  }
  const pgbackrest = (args: string[]) => run(PGBACKREST, args)
  const pgCtl = (...args: string[]) => run(join(PG_BIN, 'pg_ctl'), ['-D', data, ...args])
  const postgresLog = () => readFileSync(join(dir, 'postgresql.log'), 'utf8').slice(-4000)
  const startCluster = () => pgCtl('-l', join(dir, 'postgresql.log'), '-w', '-t', '60', 'start')

  /**
   * One statement on the cluster, in a connection of its own since the cluster is stopped and started in between. Times
   * come back as text, as psql prints them (a Date would lose the microseconds of a restore target).
   */
  const sql = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = [], database = 'crm') => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database,
      types: { getTypeParser: (oid, format) => (oid === pg.types.builtins.TIMESTAMPTZ ? String : pg.types.getTypeParser(oid, format)) },
    })
    await client.connect()
    try {
      return (await client.query<R>(text, params)).rows
    } finally {
      await client.end()
    }
  }

  const startProduct = async () => {
    const server = await startServerProcess({ DATABASE_URL: databaseUrl, CRM_WORKER: 'off', LOG_LEVEL: 'warn' })
    servers.push(server)
    return server
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-pitr-'))
    data = join(dir, 'data')
    config = join(dir, 'pgbackrest.conf')
    const folders = ['repo', 'log', 'lock', 'spool', 'socket'].map((sub) => join(dir, sub))
    for (const folder of folders) mkdirSync(folder)
    port = await freePort()
    databaseUrl = `postgres://postgres@127.0.0.1:${port}/crm`

    // The deployed files with this test's folders and port, and the repository encrypted as the file says how.
    let conf = readFileSync(join(DEPLOY, 'pgbackrest.conf'), 'utf8')
    conf = replaceLine(conf, '[global]', `[global]\nlock-path=${dir}/lock\nlog-path=${dir}/log\nspool-path=${dir}/spool`)
    conf = replaceLine(conf, 'repo1-path=', `repo1-path=${dir}/repo`)
    conf = replaceLine(conf, '# repo1-cipher-type=', 'repo1-cipher-type=aes-256-cbc')
    conf = replaceLine(conf, '# repo1-cipher-pass=', `repo1-cipher-pass=${randomBytes(36).toString('base64')}`)
    conf = replaceLine(conf, 'pg1-path=', `pg1-path=${data}\npg1-socket-path=${dir}/socket`)
    conf = replaceLine(conf, 'pg1-port=', `pg1-port=${port}`)
    writeFileSync(config, conf, { mode: 0o600 })
    writeFileSync(join(dir, 'archiving.conf'), readFileSync(join(DEPLOY, 'postgresql-archiving.conf')))
    if (asRoot) {
      const { uid, gid } = userIds(CLUSTER_USER)!
      for (const p of [dir, config, join(dir, 'archiving.conf'), ...folders]) chownSync(p, uid, gid)
    }

    await run(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync'])
    const settings = [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}/socket'`]
    writeFileSync(
      join(data, 'postgresql.conf'),
      `${readFileSync(join(data, 'postgresql.conf'), 'utf8')}\n${settings.join('\n')}\ninclude '${dir}/archiving.conf'\n`,
    )
    await startCluster()
    await sql('create database crm', [], 'postgres')
    await pgbackrest(documented('stanza-create'))
    await pgbackrest(documented('check'))
  })

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()))
    if (data && existsSync(join(data, 'postmaster.pid'))) await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => {})
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('restores to the moment before a mistaken delete: every write up to it is back, none after it', { timeout: 240_000 }, async () => {
    // The first start on the empty database creates the business and prints its owner's sign-in link and an agent token.
    const first = await startProduct()
    const banner = first.output()
    expect(banner).toContain('First start: a business was created')
    const token = /agent token: (crm_\S+)/.exec(banner)![1]
    const signInToken = /owner sign-in link[^:]*: \S+[?&]token=([A-Za-z0-9_-]+)/.exec(banner)![1]

    const call = async (url: string, path: string, init: RequestInit = {}) => {
      const res = await fetch(url + path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
      })
      const body = (await res.json()) as { data: any }
      expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(200)
      return body.data
    }
    const ids = new Map<string, string>()
    const createCustomers = async (url: string, names: string[]) => {
      for (const name of names) {
        const body = JSON.stringify({ domain: 'contact', action: 'create', data: { display_name: name } })
        ids.set(name, (await call(url, '/api/actions', { method: 'POST', body })).id)
      }
    }
    const inFull = ['Alder One', 'Alder Two', 'Alder Three']
    const inDiff = ['Birch One', 'Birch Two', 'Birch Three']
    const inWalOnly = ['Cedar One', 'Cedar Two', 'Cedar Three']
    const deleted = ['Alder One', 'Birch Two', 'Cedar Two']
    const afterMistake = ['Dogwood One', 'Dogwood Two']

    // Backups as the deployed cron file takes them; the writes after each are kept by the next backup or by WAL alone.
    const cron = cronBackups()
    expect(cron.full).toEqual(documented('backup'))
    await createCustomers(first.url, inFull)
    await pgbackrest(cron.full)
    await createCustomers(first.url, inDiff)
    await pgbackrest(cron.diff)
    // pgBackRest restores the newest backup that stopped in a whole second before the target: a second in between makes
    // that the diff backup, so the restore is shown to combine the full backup, the diff and WAL.
    await new Promise((r) => setTimeout(r, 1_100))
    await createCustomers(first.url, inWalOnly)

    // The mistake: the owner, signed in, deletes three customers for good.
    const signedIn = await fetch(`${first.url}/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: signInToken }).toString(),
      redirect: 'manual',
    })
    expect(signedIn.status).toBe(303)
    const cookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('crm_session='))!
    const session = (await (await fetch(`${first.url}/auth/session`, { headers: { cookie } })).json()) as { data: { csrf_token: string } }
    for (const name of deleted) {
      const res = await fetch(`${first.url}/api/actions`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': session.data.csrf_token, 'content-type': 'application/json' },
        body: JSON.stringify({ domain: 'contact', action: 'delete', data: { contact_id: ids.get(name) } }),
      })
      expect(res.status, await res.clone().text()).toBe(200)
      expect(((await res.json()) as { data: { deleted: boolean } }).data.deleted).toBe(true)
    }
    await createCustomers(first.url, afterMistake)

    // The moment, found as the doc says: the created_at of the mistake's first row in the audit log, newest first.
    const changes = await sql<{ created_at: string; entity_type: string; entity_id: string; action: string }>(documentedQuery())
    const deletes = changes.filter((c) => c.entity_type === 'contact' && c.action === 'delete')
    expect(deletes.map((c) => c.entity_id)).toEqual(deleted.map((name) => ids.get(name)).reverse())
    const target = deletes.at(-1)!.created_at
    // The writes on either side of it: the last one kept was made just before, the first one lost just after.
    const createdAt = (name: string) => changes.find((c) => c.action === 'create' && c.entity_id === ids.get(name))!.created_at
    const [order] = await sql<{ kept: boolean; lost: boolean }>('select $1::timestamptz < $2 as kept, $3::timestamptz > $2 as lost', [
      createdAt('Cedar Three'),
      target,
      createdAt('Dogwood One'),
    ])
    expect(order).toEqual({ kept: true, lost: true })

    // As the doc says: stop the product, get the WAL holding the mistake into the repository, stop PostgreSQL, restore, start.
    await first.stop()
    await pgbackrest(documented('check'))
    await pgCtl('-m', 'fast', '-w', 'stop')
    const restore = documented('restore').map((arg) => (arg.startsWith('--target=') ? `--target=${target}` : arg))
    expect(restore).toContain(`--target=${target}`)
    const restored = await pgbackrest(restore)
    const diffLabel = /diff backup: (\S+)/.exec(await pgbackrest(documented('info')))![1]
    expect(restored).toContain(`restore backup set ${diffLabel}`)
    await startCluster()
    const deadline = Date.now() + 60_000
    for (;;) {
      const [{ r }] = await sql<{ r: boolean }>('select pg_is_in_recovery() as r').catch((e) => {
        throw new Error(`${e}\n${postgresLog()}`)
      })
      if (!r) break
      if (Date.now() > deadline) throw new Error(`still in recovery after 60 s:\n${postgresLog()}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }

    // The product starts on the restored server as on its own business: no new business, the same agent token.
    const again = await startProduct()
    expect(again.output()).not.toContain('First start')
    const kept = [...inFull, ...inDiff, ...inWalOnly].sort()
    const listed = (await call(again.url, '/api/data?type=contacts&limit=100')) as { items: Array<{ display_name: string }> }
    expect(listed.items.map((c) => c.display_name).sort()).toEqual(kept)
    for (const name of deleted) expect((await call(again.url, `/api/data?type=contacts&id=${ids.get(name)}`)).display_name).toBe(name)

    const rows = await sql<{ display_name: string }>('select display_name from contacts order by display_name')
    expect(rows.map((r) => r.display_name)).toEqual(kept)
    expect(await sql(`select 1 from audit_log where entity_type = 'contact' and action = 'delete'`)).toEqual([])
    // The repository was encrypted, and the restored server archives its WAL into it again.
    expect(await pgbackrest(documented('info'))).toContain('cipher: aes-256-cbc')
    await pgbackrest(documented('check'))
  })
})
