import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createApp } from '../../api/app.js'
import { createHttpServer } from '../../api/http-server.js'
import type { Envelope } from '../../api/envelope.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Services } from '../../core/kernel/context.js'
import { createServices } from '../../api/product.js'
import { createTenant, type CreatedTenant } from '../../core/kernel/tenants.js'
import { capturingEmail, type CapturingEmail } from './email.js'
import { removeFolder } from './temp-folders.js'
import { freshDatabase, type TestDatabase, type TestEngine } from './databases.js'
import type { Database } from '../../core/db/types.js'
import { filesStore } from '../../core/documents/files-store.js'
import { performAction } from '../../core/kernel/operations.js'

/** A real HTTP server on a loopback port over a fresh database, with one business and its agent token. */
export interface TestApp {
  url: string
  t: TestDatabase
  services: Services
  email: CapturingEmail
  tenant: CreatedTenant
  /** Calls the API as the tenant's agent (or with the given headers); returns status, headers and envelope. */
  call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>
  /** POST /api/actions as the agent. */
  action<T = any>(
    domain: string,
    action: string,
    data?: unknown,
    extra?: { reasoning?: string; token?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>
  /** GET /api/data as the agent. */
  query<T = any>(params: Record<string, string | number>, token?: string): Promise<ApiResponse<T>>
  /** Runs an action as the business's owner (setup a test does not put under test, e.g. settings only the owner changes); returns its result. */
  ownerAction<T = any>(domain: string, action: string, data?: unknown): Promise<T>
  /** Another business in the same database. */
  createTenant(name?: string): Promise<CreatedTenant>
  close(): Promise<void>
}

/** What one HTTP call returned; the body is loosely typed so tests can assert on any part of it. */
export interface ApiResponse<T = any> {
  status: number
  headers: Headers
  body: { success: boolean; data: T; error: any; meta: Envelope['meta'] }
}

/** A fetch response as tests read it: its status, headers and parsed envelope (or `{ raw }` when the body is not JSON). */
export async function responseOf(res: Response): Promise<ApiResponse> {
  const text = await res.text()
  let parsed: any
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = { raw: text }
  }
  return { status: res.status, headers: res.headers, body: parsed }
}

/** Starts the app on an ephemeral loopback port; wrapDatabase lets a test watch what the app sends. */
export async function startTestApp(
  engine: TestEngine,
  overrides: Partial<Services> = {},
  wrapDatabase: (db: Database) => Database = (db) => db,
): Promise<TestApp> {
  const t = await freshDatabase(engine)
  const email = capturingEmail()
  // The tests have no internet: the geocoder is off unless a test gives its fake's client in overrides.integrations.
  // Its folders are its own, never the checkout's ./data and ./backups.
  const folders = mkdtempSync(join(tmpdir(), 'crm-app-'))
  const config = {
    ...loadConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      CRM_GEOCODER: 'off',
      CRM_DATA_DIR: join(folders, 'data'),
      CRM_BACKUP_DIR: join(folders, 'backups'),
    }),
    logLevel: 'silent' as const,
  }
  // Documents as the product keeps them on each engine: files for the embedded one (in a folder of the test's own), a table on a server.
  const documentsDir = t.db.engine === 'pglite' ? mkdtempSync(join(tmpdir(), 'crm-documents-')) : undefined
  const documents = documentsDir ? { documents: filesStore(documentsDir) } : {}
  const services = createServices(config, wrapDatabase(t.db), { email, ...documents, ...overrides })
  const tenant = await createTenant(t.db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test', timezone: 'America/Chicago' })
  const server: Server = await new Promise((resolve) => {
    const s = createHttpServer(createApp(services)).listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // Emailed links must point at the port the server actually got.
  if (!overrides.config) services.config.publicBaseUrl = url
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${tenant.agent_token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    })
    return responseOf(res)
  }
  return {
    url,
    t,
    services,
    email,
    tenant,
    call,
    action: (domain, action, data, extra = {}) =>
      call(
        'POST',
        '/api/actions',
        { domain, action, data, reasoning: extra.reasoning },
        { ...(extra.token ? { authorization: `Bearer ${extra.token}` } : {}), ...extra.headers },
      ),
    query: (params, token) =>
      call(
        'GET',
        `/api/data?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]))}`,
        undefined,
        token ? { authorization: `Bearer ${token}` } : {},
      ),
    ownerAction: async (domain, action, data) =>
      (
        await performAction(
          services,
          { tenantId: tenant.tenant_id, actor: { type: 'user', id: tenant.owner_user_id, role: 'owner' } },
          { domain, action, data },
          { requestId: `owner-${domain}-${action}` },
        )
      ).result as any,
    createTenant: (name = 'Other Business') =>
      createTenant(t.db, { name, owner_email: `owner@${name.toLowerCase().replace(/\W+/g, '')}.test` }),
    async close() {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      // An import's dry run still going must not find its database closed under it.
      await services.background.settled()
      await t.dispose()
      // The app's folders (data, backups, documents) go with it: every run left thousands of them in the system's temporary folder.
      for (const folder of [folders, documentsDir]) if (folder) removeFolder(folder)
    },
  }
}
