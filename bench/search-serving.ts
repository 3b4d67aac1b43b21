import type { AddressInfo } from 'node:net'
import { createApp } from '../api/app.js'
import { createServices } from '../api/product.js'
import { loadConfig } from '../core/kernel/config.js'
import type { Database } from '../core/db/types.js'
import type { RecordedSearch } from './search-floors.js'
import type { MixQuery } from './search-mix.js'
import { recordingDatabase, type RecordedUnit } from './recording-database.js'

/** The app served on a loopback port in this process, and how to stop it. */
export interface ServedApp {
  url: string
  close(): Promise<void>
}

/** Serves the whole app over `db` on an ephemeral loopback port, without a model or payments (search reads by rules). */
export async function serveApp(db: Database): Promise<ServedApp> {
  const config = { ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' }), logLevel: 'silent' as const }
  const app = createApp(createServices(config, db, { llm: null, integrations: { stripe: null } }))
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Sends each query once through a copy of the app whose database records every statement: what each search sent. */
export async function recordSearches(db: Database, token: string, mix: MixQuery[]): Promise<RecordedSearch[]> {
  const paths = mix.map((m) => `/api/data?type=search&q=${encodeURIComponent(m.q)}`)
  const units = await recordRequests(db, token, paths)
  return mix.map((m, i) => ({ kind: m.kind, q: m.q, units: units[i] }))
}

/**
 * Sends each GET through a copy of the app whose database records every statement: what each request sent. Each is sent
 * twice and the second kept, as the measured app sends it once its caches (the token, the business's settings) are warm.
 */
export async function recordRequests(db: Database, token: string, paths: string[]): Promise<RecordedUnit[][]> {
  const recorder = recordingDatabase(db)
  const served = await serveApp(recorder.db)
  try {
    const out: RecordedUnit[][] = []
    for (const path of paths) {
      for (let i = 0; i < 2; i++) {
        recorder.units.length = 0
        const r = await fetch(`${served.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
        if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${(await r.text()).slice(0, 200)}`)
        await r.text()
      }
      out.push([...recorder.units])
    }
    return out
  } finally {
    await served.close()
  }
}
