import { randomBytes, randomUUID } from 'node:crypto'
import { createServices } from '../../api/product.js'
import { createGoogleClient, googleConfigFromEnv } from '../../core/clients/google.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Principal } from '../../core/kernel/context.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { withTenant } from '../../core/db/tenant.js'
import { saveGoogleConnection } from '../../core/domains/google/connection.js'
import { FEATURE_SCOPES } from '../../core/domains/google/features.js'
import { syncGoogleAccount } from '../../core/domains/google/sync/sync-account.js'
import { sealGoogleTokens } from '../../core/domains/google/tokens.js'
import { PERSONAL_DATA } from '../../core/domains/personal-data.js'
import { startWorker } from '../../core/jobs/worker.js'
import { performAction } from '../../core/kernel/operations.js'
import { writePersonalData } from '../../core/personal-data/write.js'
import { createSecretBox } from '../../core/kernel/secret-box.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { startFakeGoogle } from '../fake-google.js'
import type { BenchRow, Scenario } from '../scenario.js'

/** A technician's month, and the per-person quota Google holds the client to (both can be lowered for a quick look). */
const VISITS = Number(process.env.BENCH_GOOGLE_VISITS ?? 200)
const PER_MINUTE = Number(process.env.BENCH_GOOGLE_PER_MINUTE ?? 600)
const REDIRECT = 'http://127.0.0.1/settings/google/callback'

/**
 * A technician's month in Google Calendar: VISITS visits over the next 30 days pushed to their calendar by one sync,
 * against the local Google holding each account to PER_MINUTE requests a minute; a second sync, which must write
 * nothing; then the technician moves one visit in Google while the real worker runs (polling, as without a public
 * https address), and the time until the reschedule request appears is measured.
 */
export const googleCalendarMonth: Scenario = {
  name: 'google calendar month',
  needs: 'nothing',
  async run() {
    const fake = await startFakeGoogle({ requestsPerWindow: PER_MINUTE, windowMs: 60_000 })
    const db = await openPglite(undefined)
    let worker: ReturnType<typeof startWorker> | null = null
    try {
      await migrate(db)
      await writePersonalData(db, PERSONAL_DATA)
      const config = googleConfigFromEnv({ ...fake.env, GOOGLE_REQUESTS_PER_MINUTE: String(PER_MINUTE) })
      if (!config) throw new Error('the local Google gave no client id')
      const client = createGoogleClient(config)
      const secrets = createSecretBox(randomBytes(32))
      const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent' }), logLevel: 'silent' }, db, {
        integrations: { google: client },
        secrets,
      })
      const tenant = await createTenant(db, { name: 'Calendar Windows', owner_email: 'owner@calendar.example' })
      const owner: Principal = { tenantId: tenant.tenant_id, actor: { type: 'user', id: tenant.owner_user_id, role: 'owner' } }
      const act = async (domain: string, action: string, data: Record<string, unknown>) =>
        (await performAction(services, owner, { domain, action, data }, { requestId: randomUUID() })).result as any
      const tech = await act('user', 'add', { email: 'ana@calendar.example', name: 'Ana', role: 'technician' })
      const techId: string = tech.id ?? tech.user_id
      const email = 'ana@calendar.example'
      const asked = client.authorizeUrl({ state: 'bench', redirectUri: REDIRECT, scopes: FEATURE_SCOPES.calendar })
      const code = new URL(fake.consent(asked, email)).searchParams.get('code') ?? ''
      const tokens = await client.exchangeCode(code, REDIRECT, new Date())
      await withTenant(db, { tenantId: tenant.tenant_id, actorType: 'system' }, (tx) =>
        saveGoogleConnection(tx, {
          tenantId: tenant.tenant_id,
          userId: techId,
          email,
          tokens: sealGoogleTokens(secrets, tokens),
          scopes: tokens.scopes,
          features: ['calendar'],
        }),
      )
      const contact = await act('contact', 'create', { display_name: 'Jane Smith' })
      const address = await act('address', 'add', {
        contact_id: contact.id,
        line1: '12 Oak St',
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
      })
      const tickets: string[] = []
      for (let i = 0; i < VISITS; i++) {
        const start = new Date(Date.now() + (1 + Math.floor((i * 30) / VISITS)) * 86_400_000)
        start.setUTCHours(13 + (i % 7), 0, 0, 0)
        const ticket = await act('ticket', 'create', {
          contact_id: contact.id,
          address_id: address.id,
          scheduled_start: start.toISOString(),
          duration_minutes: 45,
          technician_ids: [techId],
          line_items: [{ description: 'Window cleaning', unit_price_cents: 12_500 }],
        })
        tickets.push(ticket.id)
      }

      const started = performance.now()
      await syncGoogleAccount(services, tenant.tenant_id, techId, randomUUID())
      const pushSeconds = (performance.now() - started) / 1000
      const pushRequests = fake.counts.api
      const pushThrottled = fake.counts.throttled
      const again = fake.counts.api
      const secondReport = await syncGoogleAccount(services, tenant.tenant_id, techId, randomUUID())
      const secondRequests = fake.counts.api - again
      const events = fake.calendar.events(email, 'primary', { includeCancelled: false })
      const byTicket = new Map<string, number>()
      for (const e of events) {
        const id = (e.extendedProperties as { private?: Record<string, string> } | undefined)?.private?.crmTicketId
        if (id) byTicket.set(id, (byTicket.get(id) ?? 0) + 1)
      }
      const doubled = [...byTicket.values()].reduce((n, c) => n + c - 1, 0)
      const missing = tickets.filter((id) => !byTicket.has(id)).length
      const written = secondReport.steps['calendar-out'] ?? {}
      const sentAgain = (written.created ?? 0) + (written.updated ?? 0) + (written.deleted ?? 0)

      // The technician moves one visit an hour later in Google, while the worker runs as it does in production.
      await withTenant(db, { tenantId: tenant.tenant_id, actorType: 'system' }, (tx) =>
        tx.query('update google_connections set last_sync_at = now() where user_id = $1', [techId]),
      )
      const moved = events.find((e) => (e.extendedProperties as any)?.private?.crmTicketId === tickets[VISITS >> 1])
      if (!moved) throw new Error('the moved visit has no event in Google')
      const from = new Date(String((moved.start as { dateTime: string }).dateTime))
      const beforeWait = fake.counts.api
      worker = startWorker(services)
      const changedAt = performance.now()
      fake.calendar.moveEvent(email, 'primary', String(moved.id), {
        start: new Date(from.getTime() + 3_600_000),
        end: new Date(from.getTime() + 3_600_000 + 45 * 60_000),
      })
      let seenSeconds = Number.NaN
      while (performance.now() - changedAt < 180_000) {
        const found = await withTenant(db, { tenantId: tenant.tenant_id, actorType: 'system' }, (tx) =>
          tx.query("select 1 from google_change_requests where ticket_id = $1 and kind = 'reschedule'", [tickets[VISITS >> 1]]),
        )
        if (found.rows.length) {
          seenSeconds = (performance.now() - changedAt) / 1000
          break
        }
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      await worker.stop()
      worker = null
      const waitRequests = fake.counts.api - beforeWait
      const rows: BenchRow[] = [
        {
          measure: `push: ${VISITS} visits over 30 days to one calendar, ${PER_MINUTE} requests/min per account`,
          value: `${pushSeconds.toFixed(1)} s`,
          note: `${pushRequests} requests to Google (calendar list, one insert per visit, the first full read), ${pushThrottled} throttled`,
        },
        { measure: 'push: events doubled in Google', value: String(doubled), target: '0', met: doubled === 0 },
        { measure: 'push: visits missing from Google', value: String(missing), target: '0', met: missing === 0 },
        {
          measure: 'second sync: events written again',
          value: String(sentAgain),
          target: '0',
          met: sentAgain === 0,
          note: `${secondRequests} requests (the incremental read by sync token)`,
        },
        {
          measure: 'a visit moved in Google: until its reschedule request appears (polling)',
          value: Number.isNaN(seenSeconds) ? 'not seen in 180 s' : `${seenSeconds.toFixed(1)} s`,
          target: '< 60 s',
          met: seenSeconds < 60,
          note: `${waitRequests} requests to Google meanwhile (a sync every 30 s while nothing else asks)`,
        },
      ]
      return rows
    } finally {
      await worker?.stop()
      await db.close()
      await fake.close()
    }
  },
}
