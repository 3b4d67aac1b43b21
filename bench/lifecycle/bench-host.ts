import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../api/app.js'
import { createServices } from '../../api/product.js'
import type { EmailMessage } from '../../core/clients/email.js'
import { loadConfig } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { type LifecycleHost, movableClock } from './run.js'

/** A bench server of one new business on an in-memory PGlite, its emails kept in an inbox; close() ends it all. */
export async function startBenchHost(name: string): Promise<LifecycleHost & { close(): Promise<void> }> {
  setLogLevel('silent')
  const db = await openPglite(undefined)
  let server: Server | undefined
  try {
    await migrate(db)
    const clock = movableClock()
    const sent: EmailMessage[] = []
    const email = {
      delivers: true,
      describe: () => 'bench inbox',
      async send(m: EmailMessage) {
        sent.push(m)
        return { id: `bench-${sent.length}` }
      },
    }
    const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }), logLevel: 'silent' as const }, db, {
      email,
      llm: null,
      integrations: { stripe: null },
      now: () => clock.now(),
    })
    const slug = name.toLowerCase().replace(/[^a-z]+/g, '')
    const tenant = await createTenant(db, { name, owner_email: `owner@${slug}.example`, timezone: 'America/Chicago' })
    const listening = await new Promise<Server>((resolve) => {
      const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s))
    })
    server = listening
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`
    services.config.publicBaseUrl = url
    return {
      url,
      services,
      tenant,
      clock,
      mailbox: { deliverDue: () => deliverDue(services), received: (to) => sent.filter((m) => m.to === to) },
      async close() {
        listening.closeAllConnections()
        await new Promise((r) => listening.close(r))
        await db.close()
      },
    }
  } catch (err) {
    server?.close()
    await db.close()
    throw err
  }
}
