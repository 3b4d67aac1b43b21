import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../bench/balancer-processes.js'

/** Where Debian and Ubuntu install Caddy (`apt-get install caddy`). */
export const CADDY_BINARY = '/usr/bin/caddy'

/** The upstream deploy/Caddyfile proxies to: the server's HOST and PORT in deploy/env.example. */
export const DEPLOYED_UPSTREAM = '127.0.0.1:3000'

/** An answer read whole, as a client sees it through Caddy. */
export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  /** Header names and values in the order received (Set-Cookie may come more than once). */
  rawHeaders: string[]
  text: string
}

/** What a request through Caddy may carry beside its method and path. */
export interface RequestOptions {
  headers?: Record<string, string>
  body?: string | Buffer
  /** The address to connect to Caddy at and from (the client's own address as Caddy sees it); loopback by default. */
  from?: string
}

/** Caddy running a site of deploy/Caddyfile on ports of its own, with its local certificate authority. */
export interface RunningCaddy {
  domain: string
  httpPort: number
  httpsPort: number
  /** https://<domain>:<https port>, the address clients use. */
  baseUrl: string
  /** The root certificate of Caddy's local authority: the one certificate https clients here trust. */
  rootCa: Buffer
  output(): string
  /** A request over https, trusting rootCa alone, with the domain as SNI and Host, connected to `from` or loopback. */
  https(method: string, path: string, options?: RequestOptions): Promise<Answer>
  /** A request over plain http to Caddy's http port, with the domain as Host. */
  http(method: string, path: string): Promise<Answer>
  /** fetch's shape over https(): for clients that take a fetch function (the MCP SDK). Only this site's addresses. */
  fetch: typeof fetch
  stop(): Promise<void>
}

/**
 * deploy/Caddyfile as a test runs it: its site proxied to the server's port instead of 3000, after global options that
 * keep it to this test (Caddy's local authority instead of Let's Encrypt, no trust store touched, no admin endpoint,
 * ports of its own). The domain stays {$CRM_DOMAIN}, given to Caddy in its environment as in production.
 */
export function testCaddyfile(deployed: string, ports: { upstream: number; http: number; https: number }): string {
  const proxy = `reverse_proxy ${DEPLOYED_UPSTREAM}`
  const found = deployed.split(proxy).length - 1
  if (found !== 1) throw new Error(`deploy/Caddyfile should say "${proxy}" once, not ${found} times`)
  const globals = [
    '{',
    '\tlocal_certs',
    '\tskip_install_trust',
    '\tadmin off',
    `\thttp_port ${ports.http}`,
    `\thttps_port ${ports.https}`,
    '}',
  ]
  return `${globals.join('\n')}\n\n${deployed.replace(proxy, `reverse_proxy 127.0.0.1:${ports.upstream}`)}`
}

/** Two different ports nothing listens on at the moment, for Caddy's http and https. */
export async function caddyPorts(): Promise<{ http: number; https: number }> {
  const http = await freePort()
  let https = await freePort()
  while (https === http) https = await freePort()
  return { http, https }
}

/**
 * Starts Debian's Caddy on deploy/Caddyfile for `domain` on the given ports, proxying to the server's port; resolves once
 * https answers the server's /healthz through it.
 */
export async function startCaddy(
  deployed: string,
  domain: string,
  upstreamPort: number,
  { http: httpPort, https: httpsPort }: { http: number; https: number },
  timeoutMs = 30_000,
): Promise<RunningCaddy> {
  const text = testCaddyfile(deployed, { upstream: upstreamPort, http: httpPort, https: httpsPort })
  const dir = mkdtempSync(join(tmpdir(), 'crm-caddy-'))
  const config = join(dir, 'Caddyfile')
  writeFileSync(config, text)
  // Caddy keeps its authority, certificates and autosaved configuration under these: all in the test's folder.
  const home = { HOME: join(dir, 'home'), XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') }
  for (const d of Object.values(home)) mkdirSync(d, { recursive: true })
  const child: ChildProcess = spawn(CADDY_BINARY, ['run', '--config', config, '--adapter', 'caddyfile'], {
    cwd: dir,
    env: { PATH: process.env.PATH, CRM_DOMAIN: domain, ...home },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (d: Buffer | string) => (out = (out + d).slice(-20_000))
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  // A program that could not be started (not installed) ends here instead of in an unhandled error.
  let notStarted: Error | undefined
  child.once('error', (err) => {
    notStarted = err
    keep(`${err.message}\n`)
  })
  const running = () => !notStarted && child.exitCode === null && child.signalCode === null
  const ended = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const rootCaPath = join(home.XDG_DATA_HOME, 'caddy/pki/authorities/local/root.crt')
  const baseUrl = `https://${domain}:${httpsPort}`

  const caddy: RunningCaddy = {
    domain,
    httpPort,
    httpsPort,
    baseUrl,
    rootCa: Buffer.alloc(0),
    output: () => out,
    https(method, path, options = {}) {
      const to = options.from ?? '127.0.0.1'
      return send(
        httpsRequest({
          host: to,
          localAddress: options.from,
          port: httpsPort,
          servername: domain,
          ca: caddy.rootCa,
          method,
          path,
          headers: { host: `${domain}:${httpsPort}`, ...options.headers },
          agent: false,
        }),
        options.body,
      )
    },
    http(method, path) {
      return send(httpRequest({ host: '127.0.0.1', port: httpPort, method, path, headers: { host: domain }, agent: false }))
    },
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.origin !== baseUrl) throw new Error(`This client reaches ${baseUrl} only, not ${url.origin}`)
      const headers: Record<string, string> = {}
      new Headers(init?.headers).forEach((value, name) => {
        headers[name] = value
      })
      let body = init?.body ?? undefined
      if (body instanceof URLSearchParams) {
        headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8'
        body = body.toString()
      }
      if (body !== undefined && typeof body !== 'string') throw new Error('This client sends text bodies only')
      const answer = await caddy.https(init?.method ?? 'GET', url.pathname + url.search, { headers, body })
      const answerHeaders = new Headers()
      for (let i = 0; i < answer.rawHeaders.length; i += 2) answerHeaders.append(answer.rawHeaders[i], answer.rawHeaders[i + 1])
      const empty = [101, 204, 205, 304].includes(answer.status)
      return new Response(empty ? null : answer.text, { status: answer.status, headers: answerHeaders })
    }) as typeof fetch,
    async stop() {
      if (running()) {
        child.kill('SIGTERM')
        // Caddy waits for open connections to end; a test that failed may have left one.
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await ended
        clearTimeout(killer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }

  // Caddy makes its authority and the site's certificate after it starts listening: ready once https answers.
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!running()) {
      await caddy.stop()
      throw new Error(`Caddy exited before serving https:\n${out}`)
    }
    if (existsSync(rootCaPath)) {
      caddy.rootCa = readFileSync(rootCaPath)
      const ready = await caddy.https('GET', '/healthz').catch(() => null)
      if (ready?.status === 200) return caddy
    }
    if (Date.now() > deadline) {
      await caddy.stop()
      throw new Error(`Caddy did not serve https://${domain}:${httpsPort}/healthz within ${timeoutMs} ms:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Sends the request with its body and reads the whole answer. */
function send(req: ReturnType<typeof httpRequest>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.once('error', reject)
    req.once('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.once('error', reject)
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    req.end(body)
  })
}
