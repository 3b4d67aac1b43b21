import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BalancerSettings, haproxyCfg, type PoolerSettings, pgbouncerIni, pgbouncerUsers } from './balancer-config.js'

/** Where Debian installs PgBouncer (`apt-get install pgbouncer`). */
export const PGBOUNCER_BINARY = '/usr/sbin/pgbouncer'
/** Where Debian installs HAProxy (`apt-get install haproxy`). */
export const HAPROXY_BINARY = '/usr/sbin/haproxy'

/** Null when both binaries are installed, else which is missing and how to install it. */
export function missingBalancerBinaries(): string | null {
  const missing = [PGBOUNCER_BINARY, HAPROXY_BINARY].filter((path) => {
    try {
      accessSync(path, constants.X_OK)
      return false
    } catch {
      return true
    }
  })
  return missing.length ? `${missing.join(' and ')} not installed (apt-get install pgbouncer haproxy)` : null
}

/** A port nothing listens on at the moment. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, what: string, output: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1')
      c.once('connect', () => {
        c.destroy()
        resolve(true)
      })
      c.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms:\n${output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A helper daemon run in the foreground, with its log. */
export interface DaemonProcess {
  port: number
  child: ChildProcess
  output(): string
  stop(): Promise<void>
}

function run(binary: string, args: string[], port: number, dir: string, asUser?: { uid: number; gid: number }): DaemonProcess {
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...asUser })
  let out = ''
  const keep = (d: Buffer) => (out = (out + d).slice(-8000))
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const ended = new Promise<void>((resolve) => child.once('close', () => resolve()))
  return {
    port,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await ended
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The unprivileged user of this machine (nobody), from /etc/passwd: PgBouncer refuses to run as root. */
function unprivilegedUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'))
  if (!line) throw new Error('PgBouncer refuses to run as root, and this machine has no user nobody to run it as')
  const [, , uid, gid] = line.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}

/** Starts PgBouncer in the foreground with its own configuration folder; `authFile` and `listenPort` are set here. */
export async function startPgBouncer(settings: Omit<PoolerSettings, 'authFile'>, user: string): Promise<DaemonProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-pgbouncer-'))
  const authFile = join(dir, 'userlist.txt')
  writeFileSync(authFile, pgbouncerUsers(user))
  writeFileSync(join(dir, 'pgbouncer.ini'), pgbouncerIni({ ...settings, authFile }))
  const asRoot = process.getuid?.() === 0
  // Run as nobody when this is root, which must then be able to read the folder.
  if (asRoot) for (const p of [dir, authFile, join(dir, 'pgbouncer.ini')]) chmodSync(p, p === dir ? 0o755 : 0o644)
  const d = run(PGBOUNCER_BINARY, [join(dir, 'pgbouncer.ini')], settings.listenPort, dir, asRoot ? unprivilegedUser() : undefined)
  await waitForPort(settings.listenPort, 'PgBouncer', d.output)
  return d
}

/** Starts HAProxy in the foreground with its own configuration file. */
export async function startHaproxy(settings: BalancerSettings): Promise<DaemonProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-haproxy-'))
  writeFileSync(join(dir, 'haproxy.cfg'), haproxyCfg(settings))
  const d = run(HAPROXY_BINARY, ['-db', '-f', join(dir, 'haproxy.cfg')], settings.listenPort, dir)
  await waitForPort(settings.listenPort, 'HAProxy', d.output)
  return d
}
