import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../api/app.js'
import { createServices } from '../../api/product.js'
import { createSession } from '../../core/auth/sessions.js'
import { loadConfig } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { startFakeResend, type FakeResend } from '../fake-resend.js'
import { pageReader } from '../page-fetch.js'
import type { BenchRow, Scenario } from '../scenario.js'
import { nameTag } from '../name-tag.js'

/** Requests queued and answered from their email, one after another. */
const REQUESTS = 20
/** Requests left waiting when the review page is measured. */
const WAITING = 5
/** One round trip on a slow connection: the size every page should stay under, compressed. */
const SIZE_TARGET = 14 * 1024

/**
 * The owner's yes from the email: an agent's call queues, its card arrives at a local fake of Resend (at the product's
 * default pace of two sends a second), a simulated owner opens the Allow once link and presses confirm. Reports the time
 * from the agent's call to the call having run, and the brotli size of the review page and of the link's confirm page.
 */
export const approvalEmail: Scenario = {
  name: 'approval by email',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    setLogLevel('silent')
    const db = await openPglite(undefined)
    const fake = await startFakeResend()
    let server: Server | undefined
    try {
      return await measure(db, fake, (s) => {
        server = s
      })
    } finally {
      if (server) {
        server.closeAllConnections()
        await new Promise((r) => server?.close(r))
      }
      await fake.close()
      await db.close()
    }
  },
}

async function measure(db: Database, fake: FakeResend, started: (s: Server) => void): Promise<BenchRow[]> {
  await migrate(db)
  const config = {
    ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0', RESEND_API_KEY: fake.apiKey, RESEND_BASE_URL: fake.url }),
    logLevel: 'silent' as const,
  }
  const services = createServices(config, db, { llm: null, integrations: { stripe: null } })
  const tenant = await createTenant(db, { name: 'Approval Bench Windows', owner_email: 'owner@bench.example' })
  const server = await new Promise<Server>((resolve) => {
    const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s))
  })
  started(server)
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  services.config.publicBaseUrl = url
  const agent = async (domain: string, action: string, data: unknown, reasoning?: string) => {
    const res = await fetch(`${url}/api/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.agent_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ domain, action, data, reasoning }),
    })
    const body = (await res.json()) as { data: Record<string, any> }
    if (res.status >= 300 && res.status !== 202) throw new Error(`${domain}.${action} answered ${res.status}: ${JSON.stringify(body)}`)
    return body.data
  }
  const customers: string[] = []
  for (let i = 0; i < REQUESTS + WAITING; i++)
    customers.push((await agent('contact', 'create', { display_name: `Bench Duplicate ${nameTag(i)}` })).id)

  const reader = pageReader(url)
  const samples: number[] = []
  let confirmBytes = 0
  try {
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now()
      const queued = await agent('contact', 'delete', { contact_id: customers[i] }, 'entered twice by the import')
      if (queued.status !== 'pending_authorization') throw new Error(`the call ran without the owner: ${JSON.stringify(queued)}`)
      const email = await arrival(fake, `authorization-${queued.request_id}-`)
      const link = new URL(/https?:\/\/\S+\/approve\/[A-Za-z0-9_-]{43}\?decision=allow_once/.exec(email.text ?? '')?.[0] ?? '')
      const page = await reader.get(`${link.pathname}${link.search}`)
      if (page.status !== 200 || !page.html.includes('Yes, allow once')) throw new Error(`the link's page answered ${page.status}`)
      confirmBytes = page.wireBytes
      const pressed = await fetch(`${url}${link.pathname}`, {
        method: 'POST',
        body: new URLSearchParams({ request_id: queued.request_id, decision: 'allow_once' }),
      })
      const done = await pressed.text()
      if (pressed.status !== 200 || !done.includes('Done: the call ran.')) throw new Error(`confirm answered ${pressed.status}`)
      samples.push(performance.now() - t0)
    }
    for (let i = REQUESTS; i < REQUESTS + WAITING; i++)
      await agent('contact', 'delete', { contact_id: customers[i] }, 'entered twice by the import')
    const owner = await createSession(db, tenant.tenant_id, tenant.owner_user_id)
    const review = await reader.get('/review', owner)
    if (review.status !== 200) throw new Error(`/review answered ${review.status}`)
    samples.sort((a, b) => a - b)
    const pct = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]
    return [
      {
        measure: 'enqueue to decision by email p50 ms',
        value: pct(50).toFixed(0),
        note: `${REQUESTS} requests one after another: agent's call queued, card at a local fake Resend (2 sends/s), link opened, confirm pressed, call run`,
      },
      { measure: 'enqueue to decision by email max ms', value: samples[samples.length - 1].toFixed(0) },
      sizeRow(`owner /review with ${WAITING} waiting, brotli bytes`, review.wireBytes, review.html.length),
      sizeRow('owner /approve/:secret confirm page, brotli bytes', confirmBytes),
    ]
  } finally {
    reader.close()
  }
}

/** The email with this idempotency key prefix, once the fake has it (checked every 2 ms, for at most 10 s). */
async function arrival(fake: FakeResend, keyPrefix: string) {
  const until = performance.now() + 10_000
  for (;;) {
    const email = fake.emails.find((e) => e.idempotencyKey?.startsWith(keyPrefix))
    if (email) return email
    if (performance.now() > until) throw new Error(`no email ${keyPrefix}* within 10 s`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

function sizeRow(measure: string, bytes: number, markup?: number): BenchRow {
  return {
    measure,
    value: String(bytes),
    target: `<= ${SIZE_TARGET}`,
    met: bytes <= SIZE_TARGET,
    ...(markup ? { note: `${markup} bytes of markup` } : {}),
  }
}
