import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openPgliteThread } from '../../core/db/pglite-thread.js'
import { migrate } from '../../core/db/migrate.js'
import { setLogLevel } from '../../core/log.js'
import { createTenant } from '../../core/tenants.js'
import { generateSearchData } from '../generate-search-data.js'
import { megabytes, processMemory, sampleResidentPeak } from '../process-memory.js'
import type { BenchRow, Scenario } from '../scenario.js'
import { startServerProcess } from '../server-process.js'

/** Customers of the large business (BENCH_MEMORY_CONTACTS; 0 leaves it out). */
const CONTACTS = Number(process.env.BENCH_MEMORY_CONTACTS ?? 20_000)

const SERVER = fileURLToPath(new URL('../../api/main.js', import.meta.url))
const CRM = fileURLToPath(new URL('../../../bin/crm.js', import.meta.url))

/** How long the server is left alone before its idle size is read, and after a backup before its size is read again. */
const SETTLE_MS = 5_000

/**
 * The embedded server's resident memory, as docs/deploy.md sizes the machine by: idle after start, the peak while the
 * running server makes a backup (`crm backup` asks it; the archive is written, verified and kept) and the size once it
 * is done, for the demo business and for a business of BENCH_MEMORY_CONTACTS customers. The server runs as a process
 * of its own with its worker off, so nothing else moves its memory meanwhile.
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
      rows.push(...(await measureBackup('demo', { CRM_DEMO: '1' }, join(root, 'demo'), key)))
      if (CONTACTS > 0) {
        const dir = join(root, 'large')
        await generateBusiness(join(dir, 'data'), CONTACTS)
        rows.push(...(await measureBackup(`${CONTACTS / 1000}k customers`, {}, dir, key)))
      }
      return rows
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  },
}

/** Starts the server on the folder, reads it idle, runs one backup through it while sampling, and reads it after. */
async function measureBackup(label: string, extra: NodeJS.ProcessEnv, dir: string, key: string): Promise<BenchRow[]> {
  const env = {
    ...process.env,
    CRM_DATA_DIR: join(dir, 'data'),
    CRM_BACKUP_DIR: join(dir, 'backups'),
    CRM_BACKUP_KEY: key,
    CRM_WORKER: 'off',
    LOG_LEVEL: 'warn',
    // As `npm start` and the systemd unit run the server.
    MALLOC_ARENA_MAX: '2',
    // A temporary folder of its own, as the systemd unit gives the server: no verification template from an earlier run.
    TMPDIR: join(dir, 'tmp'),
    PORT: '0',
    ...extra,
  }
  mkdirSync(env.TMPDIR as string, { recursive: true })
  const server = await startServerProcess(SERVER, [], env, /is running at (http\S+)/, dir)
  try {
    await new Promise((r) => setTimeout(r, SETTLE_MS))
    const idle = processMemory(server.pid).rss
    const rows: BenchRow[] = [{ measure: `embedded, ${label}: server RSS idle (MB)`, value: megabytes(idle) }]
    // The first backup after a start migrates the verification's template; the next nights copy it.
    for (const night of ['first', 'next']) {
      const sampler = sampleResidentPeak(server.pid, 100)
      const started = Date.now()
      const backup = await runCrm(['backup', '--json'], env)
      const seconds = (Date.now() - started) / 1000
      const peak = sampler.stop()
      await new Promise((r) => setTimeout(r, SETTLE_MS))
      const after = processMemory(server.pid).rss
      const bytes = (JSON.parse(backup) as { bytes: number }).bytes
      rows.push(
        {
          measure: `embedded, ${label}: server RSS peak during the ${night} backup (MB)`,
          value: megabytes(peak),
          target: `<= ${megabytes(idle + 200 * 1024 * 1024)}`,
          met: peak - idle <= 200 * 1024 * 1024,
          note: `${megabytes(peak - idle)} MB above idle; the backup took ${seconds.toFixed(1)} s, archive ${megabytes(bytes)} MB`,
        },
        {
          measure: `embedded, ${label}: server RSS ${SETTLE_MS / 1000} s after the ${night} backup (MB)`,
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

/** Fills a new data folder with one business of `contacts` generated customers, each with a note, an attribute and a visit. */
async function generateBusiness(dataDir: string, contacts: number): Promise<void> {
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
