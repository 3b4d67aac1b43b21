import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { NEW_CLUSTER_PATH } from '../../core/db/new-cluster.js'
import { root } from '../helpers/build.js'
import { unpackMigratedDataDir } from '../helpers/migrated-data-dir.js'

const folders: string[] = []
afterAll(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true })
})

/** True while any process of the group (npm and whatever it started) is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** The two ways a service manager starts the server: through npm, and the compiled entry point itself. */
const starts = [
  { name: 'npm', command: 'npm', args: ['start', '--silent'] },
  { name: 'node dist/api/main.js', command: process.execPath, args: ['dist/api/main.js'] },
]
const cases = starts.flatMap((start) => (['SIGTERM', 'SIGINT'] as const).map((signal) => ({ ...start, signal })))

describe('npm start, as a service manager runs it', () => {
  it.each(cases)(
    '$signal sent to $name stops the server: nothing keeps running or holds the port or the data folder',
    async ({ command, args, signal }) => {
      // Migrated already: stopping is the test here, not the first start (test/cli/business-choice.test.ts starts on an empty folder).
      const dataDir = unpackMigratedDataDir(mkdtempSync(join(tmpdir(), 'crm-start-')))
      folders.push(dataDir)
      // Its own process group, so the test can see whether anything npm started outlives it.
      const npm = spawn(command, args, {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', CRM_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' },
      })
      let out = ''
      npm.stdout!.on('data', (d) => (out += d))
      npm.stderr!.on('data', (d) => (out += d))
      // 'exit', not 'close': a server left behind would keep npm's output pipes open.
      const exited = new Promise((resolve) => npm.once('exit', resolve))
      let url = ''
      for (const deadline = Date.now() + 90_000; !url && Date.now() < deadline; ) {
        url = out.match(/is running at (http:\/\/\S+)/)?.[1] ?? ''
        if (!url) await new Promise((r) => setTimeout(r, 50))
      }
      expect(url, out).not.toBe('')
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
      // The database answers too: npm start runs the bundled server (cli/entry-bundles.mjs), which opens the engine's thread from dist/.
      expect((await fetch(`${url}/readyz`)).status).toBe(200)

      try {
        process.kill(npm.pid!, signal)
        await exited
        for (const deadline = Date.now() + 10_000; groupAlive(npm.pid!) && Date.now() < deadline; )
          await new Promise((r) => setTimeout(r, 50))
        expect(groupAlive(npm.pid!), `still running after ${signal}:\n${out}`).toBe(false)
        await expect(fetch(`${url}/healthz`)).rejects.toThrow()
        expect(existsSync(join(dataDir, 'crm.lock')), 'the data folder is still claimed').toBe(false)
      } finally {
        if (groupAlive(npm.pid!)) process.kill(-npm.pid!, 'SIGKILL')
      }
    },
    120_000,
  )
})

/** What a fresh clone holds before `npm install`: the sources, the migrations and the build settings, no dist/. */
const CHECKOUT = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'bin',
  'migrations',
  'core',
  'cli',
  'api',
  'mcp',
  'console',
  'bench',
]

describe('npm install, then npm start', () => {
  it('the first start runs the build the install made instead of building again', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'crm-clone-'))
    folders.push(clone)
    for (const entry of CHECKOUT) cpSync(join(root, entry), join(clone, entry), { recursive: true })
    // The packages are installed already; the build that follows installing them is npm's prepare script.
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'))
    // The new embedded cluster is the one file of dist/ kept from the run's build: the build makes it once per engine
    // version (initdb, seconds of CPU; test/core/db/new-cluster.test.ts), and it has no part in whether a start builds.
    mkdirSync(join(clone, 'dist'))
    copyFileSync(NEW_CLUSTER_PATH!, join(clone, 'dist', basename(NEW_CLUSTER_PATH!)))
    // A migrated data folder: what this start must not do is build, whatever it finds in the folder.
    const dataDir = unpackMigratedDataDir(join(clone, 'data'))
    const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', CRM_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' }
    const install = spawnSync('npm', ['run', 'prepare', '--silent'], { cwd: clone, env, encoding: 'utf8' })
    expect(install.status, `${install.stdout}${install.stderr}`).toBe(0)
    expect(existsSync(join(clone, 'dist/api/main.js'))).toBe(true)
    expect(existsSync(join(clone, 'dist/server-bundle/main.js'))).toBe(true)

    const start = spawn('npm', ['start', '--silent'], { cwd: clone, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env })
    let out = ''
    start.stdout!.on('data', (d) => (out += d))
    start.stderr!.on('data', (d) => (out += d))
    const exited = new Promise((resolve) => start.once('exit', resolve))
    try {
      for (const deadline = Date.now() + 90_000; !/is running at/.test(out) && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 50))
      expect(out).toMatch(/is running at http/)
      expect(out).not.toContain('Building')
    } finally {
      process.kill(start.pid!, 'SIGTERM')
      await exited
      if (groupAlive(start.pid!)) process.kill(-start.pid!, 'SIGKILL')
    }
  }, 300_000)
})
