import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openPgliteThread } from '../../core/db/pglite-thread.js'
import { migrate } from '../../core/db/migrate.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { withTenant } from '../../core/db/tenant.js'
import { squareCsv, squareCustomers } from '../../core/demo/square-export.js'
import { generateSearchData } from '../generate-search-data.js'
import { megabytes, processMemory, sampleResidentPeak, treeResident } from '../process-memory.js'
import type { BenchRow, Scenario } from '../scenario.js'
import { startServerProcess } from '../server-process.js'
import { demoFolder, repositoryRoot } from './start.js'

/** Customers of the large business (BENCH_MEMORY_CONTACTS; 0 leaves it out). */
const CONTACTS = Number(process.env.BENCH_MEMORY_CONTACTS ?? 20_000)

/** Customers of the Square export imported through the server (BENCH_MEMORY_IMPORT; 0 leaves it out). */
const IMPORTED = Number(process.env.BENCH_MEMORY_IMPORT ?? 10_000)

const SERVER = fileURLToPath(new URL('../../api/main.js', import.meta.url))
const CRM = fileURLToPath(new URL('../../../bin/crm.js', import.meta.url))

/** How long the server is left alone before its idle size is read, and after a backup before its size is read again. */
const SETTLE_MS = 5_000

/**
 * The embedded server's resident memory, as docs/deploy.md sizes the machine by: idle after start, the peak while the
 * running server makes a backup (`crm backup` asks it; the archive is written, verified and kept) and the size once it
 * is done, for the demo business and for a business of BENCH_MEMORY_CONTACTS customers. The server runs as a process
 * of its own with its worker off, so nothing else moves its memory meanwhile. The peak counts the server with every
 * process it started, should a backup start any (the machine must hold them all); the server's own peak is in the note.
 */
export const serverMemory: Scenario = {
  name: 'server memory (embedded)',
  needs: 'nothing',
  async run() {
    setLogLevel('silent')
    const root = mkdtempSync(join(tmpdir(), 'crm-bench-memory-'))
    const key = randomBytes(32).toString('base64')
    const rows: BenchRow[] = [
      {
        measure: 'machine while measured',
        value: `${cpus().length} cores`,
        note: `load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      },
    ]
    try {
      // The demo's folder made by a first start (which loads it), then measured from a start on it, as a server restarts.
      const demoDir = join(root, 'demo')
      const demoEnv = serverEnv(demoDir, key, {})
      mkdirSync(demoEnv.TMPDIR as string, { recursive: true })
      const demoToken = await demoFolder(repositoryRoot(), demoEnv)
      rows.push(...(await measureBackup('demo', {}, demoDir, key, demoToken)))
      if (CONTACTS > 0) {
        const dir = join(root, 'large')
        const token = await generateBusiness(join(dir, 'data'), CONTACTS)
        rows.push(...(await measureBackup(`${CONTACTS / 1000}k customers`, {}, dir, key, token)))
      }
      if (IMPORTED > 0) rows.push(...(await measureImport(join(root, 'import'), key)))
      return rows
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  },
}

/**
 * Starts the server on the folder, has it serve a day's first reads (with the agent's token, when given: the demo's
 * start already does), reads it idle, runs two backups through it while sampling, and reads it after each.
 */
async function measureBackup(label: string, extra: NodeJS.ProcessEnv, dir: string, key: string, token?: string): Promise<BenchRow[]> {
  const env = serverEnv(dir, key, extra)
  mkdirSync(env.TMPDIR as string, { recursive: true })
  const server = await startServerProcess(SERVER, [], env, /is running at (http\S+)/, dir)
  try {
    if (token) await firstReads(server.url, token)
    await new Promise((r) => setTimeout(r, SETTLE_MS))
    const idle = treeResident(server.pid)
    const rows: BenchRow[] = [{ measure: `embedded, ${label}: server RSS idle (MB)`, value: megabytes(idle) }]
    // The first backup after a start migrates the verification's template; the next nights copy it.
    for (const night of ['first', 'next']) {
      const sampler = sampleResidentPeak(server.pid, 100, treeResident)
      const ownSampler = sampleResidentPeak(server.pid, 100)
      const started = Date.now()
      const backup = await runCrm(['backup', '--json'], env)
      const seconds = (Date.now() - started) / 1000
      const peak = sampler.stop()
      const ownPeak = ownSampler.stop()
      await new Promise((r) => setTimeout(r, SETTLE_MS))
      const after = treeResident(server.pid)
      const bytes = (JSON.parse(backup) as { bytes: number }).bytes
      rows.push(
        {
          measure: `embedded, ${label}: server and its processes, RSS peak during the ${night} backup (MB)`,
          value: megabytes(peak),
          target: `<= ${megabytes(idle + 200 * 1024 * 1024)}`,
          met: peak - idle <= 200 * 1024 * 1024,
          note: `${megabytes(peak - idle)} MB above idle (the server's own: ${megabytes(ownPeak - idle)}); the backup took ${seconds.toFixed(1)} s, archive ${megabytes(bytes)} MB`,
        },
        {
          measure: `embedded, ${label}: server and its processes, RSS ${SETTLE_MS / 1000} s after the ${night} backup (MB)`,
          value: megabytes(after),
          note: `${megabytes(after - idle)} MB above idle`,
        },
      )
    }
    return rows
  } finally {
    await server.stop()
  }
}

/** The server's environment, as `npm start` and the systemd unit run it, on the folder's data and backups. */
function serverEnv(dir: string, key: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CRM_DATA_DIR: join(dir, 'data'),
    CRM_BACKUP_DIR: join(dir, 'backups'),
    CRM_BACKUP_KEY: key,
    CRM_WORKER: 'off',
    LOG_LEVEL: 'warn',
    // As `npm start` and the systemd unit run the server.
    MALLOC_ARENA_MAX: '2',
    MALLOC_MMAP_THRESHOLD_: '131072',
    // A temporary folder of its own, as the systemd unit gives the server: no verification template from an earlier run.
    TMPDIR: join(dir, 'tmp'),
    PORT: '0',
    ...extra,
  }
}

/**
 * The server's memory idle, at its peak while an agent imports a Square customer export of IMPORTED customers (the real
 * run, one request, allowed always as the owner would allow it), and after.
 */
async function measureImport(dir: string, key: string): Promise<BenchRow[]> {
  const token = await businessAllowedToImport(join(dir, 'data'))
  const csv = squareCsv(squareCustomers(IMPORTED, 11))
  // The export is sent whole in one JSON body, larger than the default limit (the console uploads it as a file instead).
  const env = serverEnv(dir, key, { BODY_LIMIT_BYTES: String(csv.length * 2) })
  mkdirSync(env.TMPDIR as string, { recursive: true })
  const server = await startServerProcess(SERVER, [], env, /is running at (http\S+)/, dir)
  try {
    await new Promise((r) => setTimeout(r, SETTLE_MS))
    const idle = processMemory(server.pid).rss
    const sampler = sampleResidentPeak(server.pid, 100)
    const started = Date.now()
    const res = await fetch(`${server.url}/api/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        domain: 'import',
        action: 'square_customers',
        data: { csv, dry_run: false },
        reasoning: 'moving from Square',
      }),
    })
    const answer = (await res.json()) as { success: boolean; data?: { created: number }; error?: { message: string } }
    const seconds = (Date.now() - started) / 1000
    const peak = sampler.stop()
    if (!answer.success) throw new Error(`the import failed: ${answer.error?.message}`)
    await new Promise((r) => setTimeout(r, SETTLE_MS))
    const after = processMemory(server.pid).rss
    const label = `embedded, a Square import of ${IMPORTED / 1000}k customers`
    return [
      { measure: `${label}: server RSS idle (MB)`, value: megabytes(idle) },
      {
        measure: `${label}: server RSS peak during the import (MB)`,
        value: megabytes(peak),
        note: `${megabytes(peak - idle)} MB above idle; ${answer.data?.created} created in ${seconds.toFixed(1)} s, the file ${megabytes(csv.length)} MB`,
      },
      {
        measure: `${label}: server RSS ${SETTLE_MS / 1000} s after (MB)`,
        value: megabytes(after),
        note: `${megabytes(after - idle)} MB above idle`,
      },
    ]
  } finally {
    await server.stop()
  }
}

/** A new data folder with one business and no customer, whose agent the owner allowed always to import a Square export. */
async function businessAllowedToImport(dataDir: string): Promise<string> {
  const db = await openPgliteThread(dataDir)
  try {
    await migrate(db)
    const tenant = await createTenant(db, { name: 'Moving Windows', owner_email: 'owner@moving.test', timezone: 'America/Chicago' })
    await withTenant(db, { tenantId: tenant.tenant_id, actorType: 'system' }, (tx) =>
      tx.query(
        `insert into permission_overrides (tenant_id, action_key, permission, set_by) values ($1, 'import.square_customers', 'unrestricted', $2)`,
        [tenant.tenant_id, tenant.owner_user_id],
      ),
    )
    return tenant.agent_token
  } finally {
    await db.close()
  }
}

/** What an office manager reads first in a day: a page of customers, of visits and of invoices. */
async function firstReads(url: string, token: string): Promise<void> {
  for (const type of ['contacts', 'tickets', 'invoices']) {
    const res = await fetch(`${url}/api/data?type=${type}&limit=100`, { headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) throw new Error(`GET /api/data?type=${type} answered ${res.status}: ${(await res.text()).slice(0, 200)}`)
  }
}

/** Fills a new data folder with one business of `contacts` generated customers, each with a note, an attribute and a visit. */
async function generateBusiness(dataDir: string, contacts: number): Promise<string> {
  const db = await openPgliteThread(dataDir)
  try {
    await migrate(db)
    const tenant = await createTenant(db, { name: 'Large Windows', owner_email: 'owner@large.test', timezone: 'America/Chicago' })
    await generateSearchData(db, tenant.tenant_id, {
      contacts,
      notesPerContact: 1,
      attributesPerContact: 1,
      ticketsPerContact: 1,
      leads: 0,
    })
    return tenant.agent_token
  } finally {
    await db.close()
  }
}

/** Runs the CLI with the environment; answers its standard output, or throws with its error. */
function runCrm(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CRM, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`crm ${args.join(' ')} exited ${code}: ${err.slice(-400)}`))))
  })
}
