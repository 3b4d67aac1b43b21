import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../api/app.js'
import { createHttpServer } from '../../api/http-server.js'
import { paymentsClientFromEnv } from '../../core/clients/payments.js'
import { loadConfig } from '../../core/kernel/config.js'
import { secretBoxFromEnv } from '../../core/kernel/secret-box.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { root } from '../helpers/build.js'
import { makeCertificates, type TestCertificates } from '../helpers/certificates.js'
import { bothEngines, engines } from '../helpers/databases.js'
import { type HttpsProxy, startHttpsProxy } from '../helpers/https-proxy.js'
import { unpackMigratedDataDir } from '../helpers/migrated-data-dir.js'
import { startServerProcess } from '../helpers/server-process.js'

// Both engines: what it says of the database and its backups differs between the engines. What it says of the public
// address, the proxy and the webhooks does not: those tests run on the engine tests of behaviour run on.

/** One item of the doctor's report. */
interface Item {
  check: string
  status: 'ok' | 'warn' | 'fail' | 'off'
  detail: string
  fix: string
}

/** What one run of `crm doctor` printed and how it ended; with --json, its report by item. */
interface DoctorRun {
  code: number | null
  stdout: string
  stderr: string
  items: Record<string, Item>
}

/** Runs `node bin/crm.js doctor` with exactly this environment (and PATH), as an operator's shell on the server would. */
function doctor(env: Record<string, string>, ...args: string[]): Promise<DoctorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/crm.js'), 'doctor', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      let items: Record<string, Item> = {}
      if (args.includes('--json') && stdout) items = Object.fromEntries((JSON.parse(stdout).checks as Item[]).map((i) => [i.check, i]))
      resolve({ code, stdout, stderr, items })
    })
  })
}

/** A backup run covering one business, finished `hoursAgo` hours ago, as the backup code records a verified one. */
async function verifiedBackup(app: TestApp, businessId: string, hoursAgo: number): Promise<void> {
  const finished = new Date(Date.now() - hoursAgo * 3_600_000)
  await app.t.admin.query(
    `insert into backup_runs (business_id, reason, status, started_at, finished_at, file) values ($1, 'manual', 'verified', $2, $3, 'x.crmbackup')`,
    [businessId, new Date(finished.getTime() - 60_000), finished],
  )
}

const WEBHOOKS = [
  'webhook_resend',
  'webhook_google',
  'webhook_inbound_email',
  'webhook_quickbooks',
  'webhook_stripe',
  'webhook_texts_inbound',
  'webhook_texts_status',
]
const ITEMS = [
  'server',
  'public_url',
  'proxy',
  ...WEBHOOKS,
  'encryption_key',
  'backup_key',
  'backup_age',
  'backup_copies',
  'backup_folder',
  'clock',
  'disk_data',
  'disk_backups',
  'database',
]

let certs: TestCertificates
beforeAll(() => {
  certs = makeCertificates()
})

describe.each(bothEngines)('crm doctor against a running deployment (%s)', (engine) => {
  /** Whether this is the engine of the tests of behaviour, where what does not depend on the engine is checked. */
  const behaviour = engines.includes(engine)
  let app: TestApp
  let proxy: HttpsProxy
  let env: Record<string, string>
  let folder: string
  const closing: Array<() => Promise<unknown>> = []

  /** Whether the deployment's PostgreSQL runs without autovacuum (a test machine's may), which the doctor warns of. */
  const serverWithoutAutovacuum = async () =>
    engine === 'postgres' && (await app.t.admin.query<{ autovacuum: string }>('show autovacuum')).rows[0].autovacuum === 'off'

  /** An https proxy in front of the app, closed with the file. */
  async function proxyWith(tls: keyof Omit<TestCertificates, 'caFile'>, refuse?: (path: string) => boolean, target = app.url) {
    const p = await startHttpsProxy({ tls: certs[tls], target, refuse })
    closing.push(() => p.close())
    return p
  }

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'crm-doctor-'))
    proxy = await startHttpsProxy({ tls: certs.localhost, target: 'http://127.0.0.1:9' })
    env = {
      PORT: '0',
      PUBLIC_BASE_URL: proxy.url,
      TRUST_PROXY: 'loopback',
      CRM_DATA_DIR: join(folder, 'data'),
      CRM_BACKUP_DIR: join(folder, 'backups'),
      CRM_BACKUP_KEY: randomBytes(32).toString('base64'),
      CRM_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      NODE_EXTRA_CA_CERTS: certs.caFile,
      STRIPE_SECRET_KEY: 'sk_test_doctor',
      STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
      RESEND_API_KEY: 're_doctor',
      RESEND_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
      INBOUND_EMAIL_DOMAIN: 'in.sparkle.test',
      INBOUND_EMAIL_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
      QUICKBOOKS_CLIENT_ID: 'qb-doctor',
      QUICKBOOKS_CLIENT_SECRET: 'qb-doctor-secret',
      QUICKBOOKS_WEBHOOK_VERIFIER: 'qb-doctor-verifier',
      GOOGLE_CLIENT_ID: 'google-doctor',
      GOOGLE_CLIENT_SECRET: 'google-doctor-secret',
      TWILIO_ACCOUNT_SID: `AC${'d'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
    }
    // The server runs with the same environment the doctor reads, as the same .env would give both.
    app = await startTestApp(engine, {
      config: { ...loadConfig(env), logLevel: 'silent' },
      integrations: { stripe: paymentsClientFromEnv(env) },
      secrets: secretBoxFromEnv(env),
    })
    proxy.target = app.url
    env.CRM_SERVER_URL = app.url
    if (app.t.url) env.DATABASE_URL = app.t.url
    await verifiedBackup(app, app.tenant.tenant_id, 1)
  })
  afterAll(async () => {
    for (const close of closing) await close()
    await proxy?.close()
    await app?.close()
    rmSync(folder, { recursive: true, force: true })
  })

  it('passes a deployment where everything is right: one JSON line, every item ok, exit code 0', async () => {
    // Archives copied to a bucket too: without one, backup_copies warns that they sit beside the data.
    const bucket = {
      CRM_BACKUP_S3_BUCKET: 'acme-backups',
      CRM_BACKUP_S3_ENDPOINT: 'https://s3.example.test',
      CRM_BACKUP_S3_ACCESS_KEY_ID: 'id',
      CRM_BACKUP_S3_SECRET_ACCESS_KEY: 'secret',
    }
    const run = await doctor({ ...env, ...bucket }, '--json')
    expect(run.stdout.trim().split('\n'), run.stderr).toHaveLength(1)
    expect(JSON.parse(run.stdout).ok).toBe(true)
    expect(run.code).toBe(0)
    expect(Object.keys(run.items)).toEqual(ITEMS)
    const autovacuumOff = await serverWithoutAutovacuum()
    for (const check of ITEMS) {
      const item = run.items[check]
      if (check.startsWith('disk_')) expect(['ok', 'warn', 'off'], check).toContain(item.status)
      else if (check === 'database' && autovacuumOff)
        expect(item).toMatchObject({ status: 'warn', detail: expect.stringContaining('autovacuum is off') })
      else expect(item, check).toMatchObject({ status: 'ok', fix: '' })
    }
    expect(run.items.public_url.detail).toContain('with a trusted certificate (valid until')
    expect(run.items.proxy.detail).toBe(
      `through ${proxy.url} the server saw https from 127.0.0.1 for host localhost, this machine's address, as TRUST_PROXY=loopback says`,
    )
    for (const w of WEBHOOKS) expect(run.items[w].detail, w).toMatch(/reaches the server, which refuses an unsigned delivery \((400|401)\)/)
    expect(run.items.backup_age.detail).toMatch(/^the last verified backup is 1\.0 hours old/)
    expect(run.items.database.detail).toMatch(
      engine === 'postgres' ? /^PostgreSQL \d+.*connections in use/ : /^embedded PostgreSQL .*read by the running server/,
    )
    expect(run.items.disk_data.status).toBe(engine === 'postgres' ? 'off' : 'ok')
  })

  it('says in text, one line per item with its fix under it, that backups are off without CRM_BACKUP_KEY; exit code 1', async () => {
    const { CRM_BACKUP_KEY: _key, ...without } = env
    const key = app.services.config.backup.key
    app.services.config.backup.key = null
    try {
      const run = await doctor(without)
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/^FAIL {2}backup_key: CRM_BACKUP_KEY is not set \(the server\): no backup is made at all/m)
      expect(run.stdout).toMatch(/^ {8}fix: Make one \(openssl rand -base64 32\), set it as CRM_BACKUP_KEY in the server's environment/m)
      expect(run.stdout).toMatch(/^FAIL {2}backup_age: backups are off/m)
      expect(run.stdout).toMatch(/^ok {4}public_url: /m)
      expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^2 to fix, \d+ to look at\.$/)
    } finally {
      app.services.config.backup.key = key
    }
  })

  it('fails a business without a verified backup, and warns of one over 26 hours old', async () => {
    const other = await app.createTenant('Second Business')
    let run = await doctor(env, '--json')
    expect(run.code).toBe(1)
    expect(run.items.backup_age).toMatchObject({ status: 'fail', detail: '1 of 2 businesses have no verified backup' })
    expect(run.items.backup_age.fix).toContain('npx crm backup')
    await verifiedBackup(app, other.tenant_id, 30)
    run = await doctor(env, '--json')
    expect(run.code).toBe(0)
    expect(run.items.backup_age.status).toBe('warn')
    expect(run.items.backup_age.detail).toMatch(/^the last verified backup is 30\.0 hours old .*over 26 hours: a nightly backup was missed/)
    await verifiedBackup(app, other.tenant_id, 0.5)
  })

  it.runIf(behaviour)('warns of a plain http public address, and says to put https in front', async () => {
    app.services.config.publicBaseUrl = app.url
    try {
      const run = await doctor({ ...env, PUBLIC_BASE_URL: app.url }, '--json')
      expect(run.items.public_url.status).toBe('warn')
      expect(run.items.public_url.detail).toContain('over plain http')
      expect(run.items.public_url.fix).toContain('PUBLIC_BASE_URL=https://')
      expect(run.items.proxy).toMatchObject({ status: 'ok' })
      expect(run.items.proxy.detail).toMatch(/^no proxy in front of the server/)
    } finally {
      app.services.config.publicBaseUrl = proxy.url
    }
  })

  it.runIf(behaviour)(
    "fails a certificate Node does not trust, naming why: a private CA not installed, self-signed, another name's",
    async () => {
      const selfSigned = await proxyWith('selfSigned')
      const otherName = await proxyWith('otherName')
      const { NODE_EXTRA_CA_CERTS: _ca, ...untrusting } = env
      const [privateCa, self, wrongName] = await Promise.all([
        doctor(untrusting, '--json'),
        doctor({ ...env, PUBLIC_BASE_URL: selfSigned.url }, '--json'),
        doctor({ ...env, PUBLIC_BASE_URL: otherName.url }, '--json'),
      ])
      for (const run of [privateCa, self, wrongName]) {
        expect(run.code).toBe(1)
        expect(run.items.public_url.status).toBe('fail')
      }
      expect(privateCa.items.public_url.detail).toContain('(UNABLE_TO_VERIFY_LEAF_SIGNATURE)')
      expect(privateCa.items.public_url.fix).toContain('NODE_EXTRA_CA_CERTS')
      expect(self.items.public_url.detail).toContain(
        'the certificate is self-signed, so no browser, phone or provider trusts it (DEPTH_ZERO_SELF_SIGNED_CERT)',
      )
      expect(self.items.public_url.fix).toContain("Let's Encrypt")
      expect(wrongName.items.public_url.detail).toContain('the certificate is for other names than this one (ERR_TLS_CERT_ALTNAME_INVALID)')
      expect(wrongName.items.public_url.fix).toContain('the name in PUBLIC_BASE_URL')
    },
  )

  it.runIf(behaviour)('warns of a trusted certificate that ends within two weeks', async () => {
    const ending = await proxyWith('endingSoon')
    const run = await doctor({ ...env, PUBLIC_BASE_URL: ending.url }, '--json')
    expect(run.items.public_url.status).toBe('warn')
    expect(run.items.public_url.detail).toMatch(
      /answers over https, but its certificate ends in [23] days \(valid until \d{4}-\d\d-\d\d, from DoctorTestCA\)/,
    )
    expect(run.items.public_url.fix).toContain('Renew it')
  })

  it.runIf(behaviour)('fails a server behind a proxy with TRUST_PROXY unset, and says to set TRUST_PROXY=loopback', async () => {
    const config = { ...app.services.config, trustProxy: false }
    const untrusting: Server = await new Promise((resolve) => {
      const s = createHttpServer(createApp({ ...app.services, config })).listen(0, '127.0.0.1', () => resolve(s))
    })
    closing.push(() => new Promise((resolve) => untrusting.close(resolve)))
    const url = `http://127.0.0.1:${(untrusting.address() as AddressInfo).port}`
    const front = await proxyWith('localhost', undefined, url)
    config.publicBaseUrl = front.url
    const { TRUST_PROXY: _trust, ...unset } = env
    const run = await doctor({ ...unset, PUBLIC_BASE_URL: front.url, CRM_SERVER_URL: url }, '--json')
    expect(run.code).toBe(1)
    expect(run.items.server.status).toBe('ok')
    expect(run.items.proxy.status).toBe('fail')
    expect(run.items.proxy.detail).toContain('the server saw http from 127.0.0.1')
    expect(run.items.proxy.detail).toContain('TRUST_PROXY=(unset) does not believe it')
    expect(run.items.proxy.fix).toBe("Set TRUST_PROXY=loopback (the proxy's address) in the server's environment and restart it.")
  })

  it.runIf(behaviour)('fails each webhook whose path the proxy answers itself (a 404 page), and one whose secret is not set', async () => {
    const partial = await proxyWith('localhost', (path) => path.startsWith('/api/webhooks/'))
    app.services.config.publicBaseUrl = partial.url
    try {
      const { STRIPE_WEBHOOK_SECRET: _s, ...noStripeSecret } = env
      const run = await doctor({ ...noStripeSecret, PUBLIC_BASE_URL: partial.url }, '--json')
      expect(run.code).toBe(1)
      expect(run.items.public_url, JSON.stringify(run.items)).toMatchObject({ status: 'ok' })
      for (const w of WEBHOOKS.filter((w) => w !== 'webhook_stripe')) {
        expect(run.items[w].status, w).toBe('fail')
        expect(run.items[w].detail, w).toContain('answered 404 (text/html) to an unsigned delivery')
        expect(run.items[w].fix, w).toContain('Have the proxy send every path')
      }
      expect(run.items.webhook_stripe).toMatchObject({
        status: 'fail',
        detail: 'STRIPE_WEBHOOK_SECRET is not set: customers can pay, but their payments are not recorded',
      })
      expect(run.items.webhook_stripe.fix).toContain(`add the endpoint ${partial.url}/api/webhooks/stripe and set STRIPE_WEBHOOK_SECRET`)
    } finally {
      app.services.config.publicBaseUrl = proxy.url
    }
  })

  it('says so when no server answers; the database is read directly on PostgreSQL, and named missing on an empty folder', async () => {
    const run = await doctor({ ...env, CRM_SERVER_URL: 'http://127.0.0.1:9' }, '--json')
    expect(run.code).toBe(1)
    expect(run.items.server).toMatchObject({ status: 'fail', detail: 'no server answers at http://127.0.0.1:9 (ECONNREFUSED)' })
    if (engine === 'postgres') {
      expect(run.items.database.status).toBe((await serverWithoutAutovacuum()) ? 'warn' : 'ok')
      expect(run.items.database.detail).not.toContain('read by the running server')
      expect(run.items.backup_age.status).toBe('ok')
    } else {
      expect(run.items.database).toMatchObject({ status: 'fail', detail: `there is no database in ${env.CRM_DATA_DIR} (CRM_DATA_DIR)` })
      expect(existsSync(env.CRM_DATA_DIR)).toBe(false)
    }
  })
})

describe('crm doctor beside a server that holds the embedded data folder', () => {
  let folder: string
  let env: Record<string, string>
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'crm-doctor-folder-'))
    env = {
      // The same for the server and the doctor; nothing answers there, which this test does not look at.
      PUBLIC_BASE_URL: 'http://127.0.0.1:9',
      CRM_DATA_DIR: unpackMigratedDataDir(join(folder, 'data')),
      CRM_BACKUP_DIR: join(folder, 'backups'),
      CRM_BACKUP_KEY: randomBytes(32).toString('base64'),
    }
  })
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  it('asks the server for the database instead of being turned away; with the server stopped, opens the folder itself', async () => {
    const server = await startServerProcess({ ...env, CRM_WORKER: 'off' })
    let run: DoctorRun
    try {
      run = await doctor({ ...env, CRM_SERVER_URL: server.url }, '--json')
    } finally {
      await server.stop()
    }
    expect(run.stderr).toBe('')
    expect(run.items.server, run.items.server.detail).toMatchObject({ status: 'ok' })
    expect(run.items.database.status).toBe('ok')
    expect(run.items.database.detail).toMatch(/^embedded PostgreSQL \d+.* every migration applied \(read by the running server\)$/)
    expect(run.items.backup_age).toMatchObject({ status: 'fail', detail: '1 of 1 business has no verified backup' })

    const alone = await doctor({ ...env, CRM_SERVER_URL: server.url }, '--json')
    expect(alone.items.server.status).toBe('fail')
    expect(alone.items.database.status).toBe('ok')
    expect(alone.items.database.detail).not.toContain('read by the running server')
    expect(alone.items.backup_age.detail).toBe('1 of 1 business has no verified backup')
    // The doctor let go of the folder: the server can have it back.
    expect(existsSync(join(env.CRM_DATA_DIR, 'crm.lock'))).toBe(false)
  }, 180_000)
})
