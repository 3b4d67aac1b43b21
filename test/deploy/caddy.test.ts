import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECURITY_HEADERS } from '../../api/middleware/security-headers.js'
import { root } from '../helpers/build.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'
import { startFakeStripe, stripeEvent, type FakeStripe } from '../helpers/fake-stripe.js'
import { unpackMigratedDataDir } from '../helpers/migrated-data-dir.js'
import { MemoryOAuthProvider } from '../helpers/oauth-client.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { signInFormOf } from '../helpers/sign-in-link.js'
import { type Answer, CADDY_BINARY, caddyPorts, DEPLOYED_UPSTREAM, type RunningCaddy, startCaddy } from './caddy-process.js'
import { deployDir, deployFile, envFileVariables, oneSetting, unitSettings } from './deploy-files.js'
import { removeFolder } from '../helpers/temp-folders.js'

/** Where Debian installs systemd's analyzer (package systemd). */
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze'
/** A name of the kind a business points at its server; Caddy's local authority certifies it, nothing resolves it. */
const DOMAIN = 'crm.sparkle.test'
const STRIPE_WEBHOOK_SECRET = 'whsec_deploy_test_0123456789abcdef'
const CUSTOMER_EMAIL = 'zoe.customer@example.com'
/** Where the remote MCP client says the owner's approval is sent back to (a loopback address, as desktop clients use). */
const OAUTH_REDIRECT = 'http://127.0.0.1:1/callback'
/** Unknown links a client address may try in a window before it is refused (core/http/link-guesses.ts). */
const UNKNOWN_LINKS_ALLOWED = 20

/** Missing programs are a failure under CI (.ci/run installs them), a skip elsewhere. */
const underCi = process.env.CI === 'true'
const caddySkipped = existsSync(CADDY_BINARY) || underCi ? null : `${CADDY_BINARY} is not installed (apt-get install caddy)`
const systemdSkipped = existsSync(SYSTEMD_ANALYZE) || underCi ? null : `${SYSTEMD_ANALYZE} is not installed (package systemd)`

/** The machine's first address that is not loopback: a client Caddy sees as somebody else than itself. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address

const env = envFileVariables(deployFile('env.example'))
const cookieOf = (answer: Answer) => (answer.headers['set-cookie'] ?? []).find((c) => c.startsWith('crm_session='))
const jsonOf = (answer: Answer): any => JSON.parse(answer.text)
const randomLinkSecret = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')

describe.skipIf(caddySkipped)(`the product behind Caddy, as deploy/ sets it up${caddySkipped ? `: skipped, ${caddySkipped}` : ''}`, () => {
  let folder: string
  let stripe: FakeStripe
  let resend: FakeResend
  let server: ServerProcess
  let caddy: RunningCaddy
  let base: string
  let agentToken: string
  let signInLink: string
  let ownerCookie: string | undefined
  let invoice: { id: string; number: string }
  let payPath: string

  /** An action by the agent token of the first start, through Caddy. */
  const act = async (domain: string, action: string, data: unknown, reasoning?: string) => {
    const answer = await caddy.https('POST', '/api/actions', {
      headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ domain, action, data, ...(reasoning ? { reasoning } : {}) }),
    })
    expect(answer.status, answer.text).toBe(200)
    return jsonOf(answer).data
  }
  const asOwner = (method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}) => {
    expect(ownerCookie, 'the owner signed in first').toBeDefined()
    return caddy.https(method, path, { ...options, headers: { cookie: ownerCookie!, ...options.headers } })
  }
  /** A line of the first start's banner: its first group. */
  const bannerLine = async (re: RegExp) => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const m = re.exec(server.output())
      if (m) return m[1]
    }
    throw new Error(`No line matching ${re} in:\n${server.output()}`)
  }

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'crm-deploy-'))
    stripe = await startFakeStripe()
    resend = await startFakeResend()
    const ports = await caddyPorts()
    base = `https://${DOMAIN}:${ports.https}`
    // The production environment file as it is, with this test's address, folders, port and local stand-ins for
    // Resend and Stripe in place of the real services.
    server = await startServerProcess({
      ...env,
      PUBLIC_BASE_URL: base,
      PORT: '0',
      CRM_DATA_DIR: unpackMigratedDataDir(join(folder, 'data')),
      CRM_BACKUP_DIR: join(folder, 'backups'),
      CRM_OWNER_EMAIL: 'owner@sparkle.test',
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      STRIPE_SECRET_KEY: 'sk_test_deploy',
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
    })
    caddy = await startCaddy(deployFile('Caddyfile'), DOMAIN, Number(new URL(server.url).port), ports)
    agentToken = await bannerLine(/agent token: (crm_\S+)/)
    signInLink = await bannerLine(/owner sign-in link \(valid 15 minutes\): (\S+)/)
  })

  afterAll(async () => {
    await caddy?.stop()
    await server?.stop()
    await resend?.close()
    await stripe?.close()
    if (folder) removeFolder(folder)
  })

  it("runs the production environment file's proxy settings", () => {
    expect(env.TRUST_PROXY).toBe('loopback')
    expect(`${env.HOST}:${env.PORT}`).toBe(DEPLOYED_UPSTREAM)
    expect(server.output()).toContain(`API:      ${base}/api`)
  })

  it("the first start's sign-in link is on the https address, and the owner signs in through Caddy with a Secure cookie", async () => {
    expect(signInLink.startsWith(`${base}/auth/verify?token=`), signInLink).toBe(true)
    const opened = await caddy.https('GET', signInLink.slice(base.length))
    expect(opened.status).toBe(200)
    const press = signInFormOf(opened.text)
    const signedIn = await caddy.https('POST', press.action, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(press.fields).toString(),
    })
    expect(signedIn.status).toBe(303)
    const cookie = cookieOf(signedIn)
    expect(cookie, JSON.stringify(signedIn.headers)).toBeDefined()
    expect(cookie!.split(';').map((part) => part.trim())).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Lax']))
    ownerCookie = cookie!.split(';')[0]
    const session = await asOwner('GET', '/auth/session')
    expect(session.status).toBe(200)
    expect(jsonOf(session).data.user.email).toBe('owner@sparkle.test')
  })

  it("answers keep the product's own headers through Caddy, with HSTS added and Caddy's Server header left out", async () => {
    const answer = await caddy.https('GET', '/api/capabilities', { headers: { authorization: `Bearer ${agentToken}` } })
    expect(answer.status).toBe(200)
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(answer.headers[name.toLowerCase()], name).toBe(value)
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000')
    expect(answer.headers.server).toBeUndefined()
  })

  it("an invoice's emailed pay link is on the https address, and the customer's page opens through Caddy", async () => {
    const contact = await act('contact', 'create', { display_name: 'Zoë Ångström', email: CUSTOMER_EMAIL })
    invoice = await act('invoice', 'create', {
      contact_id: contact.id,
      line_items: [
        { description: 'Windows, inside and out', unit_price_cents: 12_000, taxable: false },
        { description: 'Screens', unit_price_cents: 3_000, taxable: false },
      ],
    })
    await act('invoice', 'send', { invoice_id: invoice.id }, 'The visit is done; the customer asked for the invoice by email')

    const linkPattern = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}(/pay/[A-Za-z0-9_-]{43})\\b`)
    for (const deadline = Date.now() + 30_000; !payPath && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const mail = resend.emails.find((e) => e.to.includes(CUSTOMER_EMAIL))
      payPath = mail ? (linkPattern.exec(mail.text ?? '')?.[1] ?? '') : ''
    }
    expect(payPath, `a pay link on ${base} in ${JSON.stringify(resend.emails.map((e) => e.text))}`).toMatch(/^\/pay\//)

    const page = await caddy.https('GET', payPath)
    expect(page.status).toBe(200)
    expect(page.text).toContain(`Invoice ${invoice.number} for Zoë Ångström`)
    expect(page.text).toContain(`href="${payPath}/checkout"`)
    expect(page.text).toMatch(/Amount due: <strong>\$150\.00<\/strong>/)

    // Pay leads on to Stripe's page, whose way back is the https address too.
    const pay = await caddy.https('GET', `${payPath}/checkout`)
    expect(pay.status).toBe(303)
    const session = [...stripe.sessions.values()].find((s) => s.client_reference_id === invoice.id)
    expect(pay.headers.location).toBe(session?.url)
    expect(session!.success_url).toBe(`${base}/payments/thank-you?invoice=${encodeURIComponent(invoice.number)}`)
  })

  it('a Stripe webhook signed over its exact bytes is taken through Caddy; changed bytes or another secret are refused', async () => {
    expect(payPath, 'the invoice was emailed first').toBeTruthy()
    const session = [...stripe.sessions.values()].find((s) => s.client_reference_id === invoice.id)!
    // As Stripe sends it: pretty-printed, with characters beyond ASCII, so a proxy that re-encoded anything would break it.
    const event = stripeEvent('checkout.session.completed', {
      ...stripe.completed(session.id),
      customer_details: { name: 'Zoë Ångström ✓' },
    })
    const body = JSON.stringify(event, null, 2)
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_WEBHOOK_SECRET })
    const deliver = (bytes: string, header: string) =>
      caddy.https('POST', '/api/webhooks/stripe', {
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        body: bytes,
      })

    expect((await deliver(body.replace('Ångström ✓', 'Angstrom ✓'), signature)).status).toBe(400)
    const otherSecret = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_someone_else' })
    expect((await deliver(body, otherSecret)).status).toBe(400)
    expect((await caddy.https('GET', payPath)).text).not.toContain('This invoice is paid')

    const taken = await deliver(body, signature)
    expect(taken.status, taken.text).toBe(200)
    expect(jsonOf(taken).data).toMatchObject({ received: true, outcome: 'recorded', invoice_id: invoice.id })
    expect((await caddy.https('GET', payPath)).text).toContain('This invoice is paid')
  })

  it.skipIf(!outsideAddress)(
    "counts unknown links by the address Caddy saw, never by a client's own X-Forwarded-For" +
      (outsideAddress ? '' : ': skipped, this machine has no address but loopback'),
    async () => {
      const guess = (from: string | undefined, forwardedFor: string) =>
        caddy.https('GET', `/pay/${randomLinkSecret()}`, { from, headers: { 'x-forwarded-for': forwardedFor } })
      // Each guess claims another address: were that believed, none would be counted against this client.
      const statuses: number[] = []
      for (let i = 1; i <= UNKNOWN_LINKS_ALLOWED; i++) statuses.push((await guess(outsideAddress, `203.0.113.${i}`)).status)
      expect(statuses).toEqual(Array(UNKNOWN_LINKS_ALLOWED).fill(404))
      expect((await guess(outsideAddress, '198.51.100.7')).status).toBe(429)
      // Caddy's own address is not what the product counts: a client on loopback has a count of its own.
      expect((await guess(undefined, '203.0.113.1')).status).toBe(404)
      // A real link is never refused, whoever asks.
      expect((await caddy.https('GET', payPath, { from: outsideAddress })).status).toBe(200)
    },
  )

  it('plain http on the http port is redirected to https, path and query kept', async () => {
    const answer = await caddy.http('GET', '/pay/abc?from=email')
    expect(answer.status).toBe(308)
    // Caddy leaves its https_port out of the address, taking it for 443, as it is in production.
    expect(answer.headers.location).toBe(`https://${DOMAIN}/pay/abc?from=email`)
  })

  it('a remote MCP client connects over OAuth through Caddy: discovery, registration, the owner allowing it, then tools', async () => {
    const unauthenticated = await caddy.https('POST', '/mcp', {
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    })
    expect(unauthenticated.status).toBe(401)
    expect(unauthenticated.headers['www-authenticate']).toContain(`resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`)

    // Every request below carries the public name as Host, as Caddy passes it on: MCP answers to PUBLIC_BASE_URL's host.
    const provider = new MemoryOAuthProvider(OAUTH_REDIRECT, 'Claude')
    const connect = async () => {
      const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { authProvider: provider, fetch: caddy.fetch })
      const client = new Client({ name: 'crm-deploy-test', version: '1.0.0' })
      try {
        await client.connect(transport)
        return { client, transport }
      } catch (err) {
        if (!(err instanceof UnauthorizedError)) throw err
        return { client: null, transport }
      }
    }
    const first = await connect()
    expect(first.client).toBeNull()
    const authorize = provider.authorizationUrl!
    expect(authorize.origin).toBe(base)

    const consent = await asOwner('GET', authorize.pathname + authorize.search)
    expect(consent.status).toBe(200)
    expect(consent.text).toContain('Claude')
    const form = signInFormOf(consent.text)
    const allowed = await asOwner('POST', form.action, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, decision: 'approve' }).toString(),
    })
    expect(allowed.status, allowed.text).toBe(303)
    const back = new URL(allowed.headers.location!)
    expect(`${back.origin}${back.pathname}`).toBe(OAUTH_REDIRECT)
    expect(back.searchParams.get('iss')).toBe(base)

    await first.transport.finishAuth(back.searchParams.get('code')!)
    const { client } = await connect()
    expect(client).not.toBeNull()
    const { tools } = await client!.listTools()
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['crm_action', 'crm_query', 'daily_briefing']))
    const found = await client!.callTool({ name: 'crm_query', arguments: { type: 'contacts', filters: { q: 'Zoë' } } })
    expect(found.isError, JSON.stringify(found)).toBeFalsy()
    expect(JSON.stringify(found.structuredContent)).toContain('Zoë Ångström')
    await client!.close()
  })

  it('every webhook and redirect address docs/deploy.md says to register is answered by the product through Caddy', async () => {
    const guide = readFileSync(join(root, 'docs/deploy.md'), 'utf8')
    const webhooks = [...new Set(guide.match(/\/api\/webhooks\/[a-z-]+/g))].sort()
    const callbacks = [...new Set(guide.match(/\/settings\/[a-z]+\/callback/g))].sort()
    expect(webhooks).toEqual(['google', 'inbound-email', 'quickbooks', 'resend', 'stripe'].map((name) => `/api/webhooks/${name}`))
    expect(callbacks).toEqual(['/settings/google/callback', '/settings/quickbooks/callback'])
    const post = (path: string) => caddy.https('POST', path, { headers: { 'content-type': 'application/json' }, body: '{}' })
    // Unsigned, or not configured in this test: refused or off, never unknown.
    for (const path of webhooks) expect([400, 401, 503], path).toContain((await post(path)).status)
    for (const path of callbacks) expect((await asOwner('GET', path)).status, path).not.toBe(404)
    expect((await post('/api/webhooks/nowhere')).status).toBe(404)
    expect((await asOwner('GET', '/settings/nowhere/callback')).status).toBe(404)
  })

  it("an upload larger than the product takes still reaches it, so the product's own page says the limit", async () => {
    const boundary = 'crmdeploytest'
    const file = Buffer.alloc(20 * 1024 * 1024, 'a')
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="customers.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const answer = await asOwner('POST', '/import', { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body })
    expect(answer.status).toBe(413)
    expect(answer.text).toContain('The file is larger than 5 MB, the most one import takes.')
  })
})

describe.skipIf(systemdSkipped)(
  `deploy/crm.service and deploy/crm-worker.service under systemd-analyze${systemdSkipped ? `: skipped, ${systemdSkipped}` : ''}`,
  () => {
    const UNITS = ['crm.service', 'crm-worker.service']
    let fsRoot: string

    /**
     * A file system root for systemd-analyze: this machine's own system units (the targets the units order against), the
     * units under etc/systemd/system, and the programs they run, so what is checked does not depend on this machine
     * having Node at /usr/bin/node.
     */
    const unitRoot = (units: Record<string, string>, programs = ['/usr/bin/node', '/bin/sh']) => {
      const dir = mkdtempSync(join(tmpdir(), 'crm-units-'))
      cpSync('/usr/lib/systemd/system', join(dir, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true })
      mkdirSync(join(dir, 'etc/systemd/system'), { recursive: true })
      for (const [name, text] of Object.entries(units)) writeFileSync(join(dir, 'etc/systemd/system', name), text)
      for (const program of programs) {
        mkdirSync(join(dir, program, '..'), { recursive: true })
        writeFileSync(join(dir, program), '#!/bin/sh\n')
        chmodSync(join(dir, program), 0o755)
      }
      return dir
    }
    /** What systemd-analyze verify says of the units: nothing at all, with status 0, when they are right. */
    const verify = (dir: string, units: string[]) => {
      const r = spawnSync(SYSTEMD_ANALYZE, ['verify', `--root=${dir}`, ...units], { encoding: 'utf8' })
      return { status: r.status, said: `${r.stdout}${r.stderr}`.trim() }
    }
    const deployedUnits = () => Object.fromEntries(UNITS.map((name) => [name, deployFile(name)]))

    beforeAll(() => {
      fsRoot = unitRoot(deployedUnits())
    })
    afterAll(() => {
      if (fsRoot) rmSync(fsRoot, { recursive: true, force: true })
    })

    it('both pass systemd-analyze verify without a word', () => {
      expect(verify(fsRoot, UNITS)).toEqual({ status: 0, said: '' })
    })

    it('the same check fails a copy with a misspelt directive, a value systemd cannot read, or a program that is not there', () => {
      const text = deployFile('crm.service')
      const broken: Array<[string, string, RegExp]> = [
        ['ProtectSystem=strict', 'ProtectSytem=strict', /Unknown key 'ProtectSytem'/],
        ['Restart=on-failure', 'Restart=on-failures', /Failed to parse service restart specifier/],
        ['TimeoutStopSec=15', 'TimeoutStopSec=fifteen', /Failed to parse .*fifteen/],
        ['/usr/bin/node ', '/usr/local/bin/node ', /\/usr\/local\/bin\/node is not executable/],
      ]
      for (const [good, bad, complaint] of broken) {
        expect(text, good).toContain(good)
        const dir = unitRoot({ 'crm.service': text.replace(good, bad) })
        try {
          const result = verify(dir, ['crm.service'])
          expect(result.said, bad).toMatch(complaint)
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
      }
    })

    it('both keep their sandbox: systemd-analyze security rates them under 3.5, the same unit without it over 9', () => {
      const security = (dir: string, units: string[]) =>
        spawnSync(SYSTEMD_ANALYZE, ['security', '--offline=yes', `--root=${dir}`, '--threshold=35', ...units], { encoding: 'utf8' })
      expect(security(fsRoot, UNITS).status, security(fsRoot, UNITS).stdout.split('\n').slice(-3).join('\n')).toBe(0)
      const sandbox =
        /^(NoNewPrivileges|Protect\w+|Private\w+|Restrict\w+|LockPersonality|CapabilityBoundingSet|SystemCallArchitectures|UMask)=/
      const bare = deployFile('crm.service')
        .split('\n')
        .filter((line) => !sandbox.test(line))
        .join('\n')
      const dir = unitRoot({ 'bare.service': bare })
      try {
        const r = security(dir, ['bare.service'])
        expect(r.status).not.toBe(0)
        expect(r.stdout).toMatch(/Overall exposure level for bare\.service: 9\.\d/)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  },
)

describe('deploy/ agrees with itself and with the product', () => {
  const server = unitSettings(deployFile('crm.service'))
  const worker = unitSettings(deployFile('crm-worker.service'))

  it('the units run the entry points of this repository from /opt/service-crm, with /etc/service-crm/env', () => {
    const runs: Array<[Map<string, string[]>, RegExp]> = [
      [server, /^\/usr\/bin\/node --max-semi-space-size=\$\{CRM_SEMI_SPACE_MB\} \/opt\/service-crm\/(cli\/launch\.mjs) (api\/main)$/],
      [worker, /^\/usr\/bin\/node \/opt\/service-crm\/(cli\/launch\.mjs) (cli\/main) worker$/],
    ]
    for (const [unit, start] of runs) {
      const m = start.exec(oneSetting(unit, 'Service.ExecStart'))
      expect(m, oneSetting(unit, 'Service.ExecStart')).not.toBeNull()
      expect(existsSync(join(root, m![1]))).toBe(true)
      expect(existsSync(join(root, `${m![2]}.ts`))).toBe(true)
      expect(oneSetting(unit, 'Service.WorkingDirectory')).toBe('/opt/service-crm')
      expect(oneSetting(unit, 'Service.EnvironmentFile')).toBe('/etc/service-crm/env')
      expect(oneSetting(unit, 'Service.User')).toBe('crm')
      expect(oneSetting(unit, 'Service.KillSignal')).toBe('SIGTERM')
    }
  })

  it("the server's stop limit is longer than the server takes to stop itself", () => {
    const main = readFileSync(join(root, 'api/main.ts'), 'utf8')
    const deadlineMs = Number(/const STOP_DEADLINE_MS = ([\d_]+)/.exec(main)![1].replace(/_/g, ''))
    expect(deadlineMs).toBeGreaterThan(0)
    expect(Number(oneSetting(server, 'Service.TimeoutStopSec')) * 1000).toBeGreaterThan(deadlineMs)
  })

  it('the data and backup folders of env.example are ones the units may write: their state directory', () => {
    const state = `/var/lib/${oneSetting(server, 'Service.StateDirectory')}/`
    expect(oneSetting(worker, 'Service.StateDirectory')).toBe(oneSetting(server, 'Service.StateDirectory'))
    expect(oneSetting(server, 'Service.ProtectSystem')).toBe('strict')
    expect(env.CRM_DATA_DIR.startsWith(state), env.CRM_DATA_DIR).toBe(true)
    expect(env.CRM_BACKUP_DIR.startsWith(state), env.CRM_BACKUP_DIR).toBe(true)
  })

  it('env.example is for https behind a proxy on this machine, reached only through it', () => {
    expect(env.PUBLIC_BASE_URL).toMatch(/^https:\/\/[^/]+$/)
    expect(env.TRUST_PROXY).toBe('loopback')
    expect(env.HOST).toBe('127.0.0.1')
    expect(deployFile('Caddyfile')).toContain(`reverse_proxy ${env.HOST}:${env.PORT}`)
  })

  it('deploy/ holds what docs/deploy.md installs', () => {
    const guide = readFileSync(join(root, 'docs/deploy.md'), 'utf8')
    for (const name of ['Caddyfile', 'crm.service', 'crm-worker.service', 'env.example']) {
      expect(existsSync(join(deployDir, name)), name).toBe(true)
      expect(guide, name).toContain(`deploy/${name}`)
    }
  })
})
