import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { banner, startServer, WORKER_FIRST_PASS_AFTER_MS } from '../../api/server.js'
import { loadConfig } from '../../core/kernel/config.js'
import { withTenant } from '../../core/db/tenant.js'
import { createServices } from '../../api/product.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'
import { createLlmClient } from '../../core/clients/llm.js'

// Both engines: what it checks differs between the engines.

describe.each(bothEngines)('the worker inside the server on %s', (engine) => {
  let fake: FakeResend
  let t: TestDatabase
  let tenantId: string
  const made: string[] = []
  beforeAll(async () => {
    fake = await startFakeResend()
    t = await freshDatabase(engine)
    tenantId = (await createTenant(t.db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })).tenant_id
  })
  afterAll(async () => {
    await t?.dispose()
    await fake?.close()
  })

  const dueMessage = () =>
    withTenant(t.db, { tenantId, actorType: 'system' }, async (tx) => {
      const c = await tx.query<{ id: string }>(
        `insert into contacts (tenant_id, display_name, emails) values ($1, 'Jane', '[{"value": "jane@example.com", "primary": true}]') returning id`,
        [tenantId],
      )
      const id = (
        await tx.query<{ id: string }>(
          `insert into scheduled_messages (tenant_id, contact_id, kind, body, send_at)
      values ($1, $2, 'custom', 'Hello from the server', now() - interval '1 minute') returning id`,
          [tenantId, c.rows[0].id],
        )
      ).rows[0].id
      made.push(id)
      return id
    })
  const statusOf = (id: string) =>
    withTenant(
      t.db,
      { tenantId, actorType: 'system' },
      async (tx) => (await tx.query<{ status: string }>('select status from scheduled_messages where id = $1', [id])).rows[0].status,
    )
  const servicesWith = (env: Record<string, string>) =>
    createServices(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', RESEND_API_KEY: fake.apiKey, RESEND_BASE_URL: fake.url, ...env }), t.db)

  it('CRM_WORKER=off: the server sends nothing and its banner says how to run the worker', async () => {
    const id = await dueMessage()
    const services = servicesWith({ CRM_WORKER: 'off' })
    const running = await startServer(services)
    try {
      expect(running.worker).toBeNull()
      expect(banner(services, running)).toContain('delivery: off in this server (CRM_WORKER=off): run npx crm worker')
      // What else is off is said too: here no model is configured.
      expect(banner(services, running)).toMatch(/notes: +reading notes is off \(no LLM_BASE_URL and LLM_MODEL\)/)
      const withModel = { ...services, llm: createLlmClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'x', model: 'qwen-small' }) }
      expect(banner(withModel, running)).toMatch(/notes: +read by qwen-small/)
      // Without S3 settings, where documents go follows the engine: files in the data folder, or a table of the server.
      expect(banner(services, running)).toMatch(
        t.db.engine === 'postgres'
          ? /files: +documents are kept in the PostgreSQL server \(table document_blobs\)/
          : /files: +documents are kept as files in .*\/data\/documents/,
      )
      // Past the moment a worker's first pass waits for, and closing waits for a pass: a worker started anyway would have sent it.
      await new Promise((resolve) => setTimeout(resolve, WORKER_FIRST_PASS_AFTER_MS + 300))
    } finally {
      await running.close()
    }
    expect(await statusOf(id)).toBe('pending')
  })

  it('by default the server sends due messages a moment after it starts and stops its worker on close', async () => {
    const id = await dueMessage()
    const services = servicesWith({})
    const running = await startServer(services)
    try {
      expect(banner(services, running)).toContain('delivery: due emails are sent by this server')
      // The first requests of a start are answered first: the worker's first pass waits a moment.
      expect(await statusOf(id)).toBe('pending')
      await expect.poll(() => statusOf(id), { timeout: 10_000 }).toBe('sent')
    } finally {
      await running.close()
    }
    // It also sent the message the server without a worker had left behind, and each only once.
    for (const each of made) expect(await statusOf(each)).toBe('sent')
    expect(running.worker!.counts.sent).toBe(made.length)
    expect(fake.emails.filter((e) => e.text?.includes('Hello from the server'))).toHaveLength(made.length)
  })
})
