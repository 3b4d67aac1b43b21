import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '../../api/app.js'
import { createServices } from '../../api/product.js'
import { migrate } from '../../core/db/migrate.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { loadConfig } from '../../core/kernel/config.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { type FakeTwilio, startFakeTwilio } from '../fake-twilio.js'
import { percentile } from '../load.js'
import { drainWorker } from '../drain-worker.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { BenchRow, Scenario } from '../scenario.js'

const WORKERS = 2
const REMINDERS = 1_000
const INBOUND = 200
const BUSINESS_NUMBER = '+12565550100'

/**
 * 1,000 day-before reminders by text to 1,000 customers who chose texts, delivered by two `crm worker --drain`
 * processes through the local fake of Twilio: how long, how many requests, none doubled or lost. Then the inbound
 * webhook: 200 signed texts (C, R, words, STOP) posted one after another to the server, each answer's time.
 */
export const texts: Scenario = {
  name: 'texts',
  needs: 'postgres',
  async run(settings) {
    const scratch = await createScratchDatabase(settings.databaseUrl, 'texts')
    let db: Database | undefined
    let twilio: FakeTwilio | undefined
    let server: Server | undefined
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-texts-'))
    try {
      setLogLevel('silent')
      db = openPostgres(scratch.url, 4)
      await migrate(db)
      twilio = await startFakeTwilio()
      const tenantId = await seed(db)
      const started = Date.now()
      const runs = await Promise.all(Array.from({ length: WORKERS }, () => runWorker(scratch.url, twilio!, join(dataDir, 'data'))))
      const seconds = (Date.now() - started) / 1000
      const to = new Set(twilio.messages.map((m) => m.to))
      const doubled = twilio.messages.length - to.size
      const sent = (await db.query<{ n: number }>(`select count(*)::int as n from scheduled_messages where status = 'sent'`)).rows[0].n
      const segments = twilio.messages.reduce((n, m) => n + m.segments, 0)

      const env = twilioEnv(twilio)
      const config = { ...loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env }), logLevel: 'silent' as const }
      const services = createServices(config, db, {})
      server = await new Promise<Server>((resolve) => {
        const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s))
      })
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      Object.assign(services.integrations.texts as object, { publicBaseUrl: url })
      const phones = (
        await db.query<{ phone: string }>(`select phone from text_messages where tenant_id = $1 limit $2`, [tenantId, INBOUND])
      ).rows
      const words = ['C', 'R', 'Could you also do the gutters next time?', 'HELP']
      const times: number[] = []
      for (const [i, p] of phones.entries()) {
        const at = performance.now()
        const answer = await twilio.inbound(`${url}/api/webhooks/texts`, {
          from: p.phone,
          to: BUSINESS_NUMBER,
          body: words[i % words.length],
        })
        times.push(performance.now() - at)
        if (answer.status !== 200) throw new Error(`the inbound webhook answered ${answer.status}: ${answer.body.slice(0, 200)}`)
      }
      times.sort((a, b) => a - b)
      return [
        {
          measure: `${REMINDERS} reminders by text, s`,
          value: seconds.toFixed(1),
          note: `${WORKERS} worker processes (${runs.map((r) => r.sent).join(' / ')} each) with their starts; ${(REMINDERS / seconds).toFixed(0)} texts/s`,
        },
        {
          measure: '  requests to Twilio',
          value: String(twilio.requests),
          note: `${segments} segments billed; one request a text, and none more`,
        },
        zero('  texts sent twice', doubled, 'texts Twilio received twice for one customer'),
        zero('  lost', REMINDERS - sent, 'reminders not marked sent'),
        {
          measure: 'inbound text webhook answer, median ms',
          value: percentile(times, 0.5).toFixed(1),
          note: `${times.length} signed posts one after another (C, R, words for a person, HELP), p95 ${percentile(times, 0.95).toFixed(1)} ms`,
        },
      ]
    } finally {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
      await twilio?.close()
      await db?.close()
      await scratch.drop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
}

function zero(measure: string, value: number, note: string): BenchRow {
  return { measure, value: String(value), target: '0', met: value === 0, note }
}

/** The environment of a server texting through the fake. */
function twilioEnv(twilio: FakeTwilio): Record<string, string> {
  return { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_BASE_URL: twilio.url }
}

/** One business with a texting number, 1,000 customers who agreed to texts, each with a visit tomorrow and its reminder due. */
async function seed(db: Database): Promise<string> {
  const tenantId = (await createTenant(db, { name: 'Sparkle Windows', owner_email: 'owner@texts.example' })).tenant_id
  await db.query('insert into text_settings (tenant_id, from_number, daily_limit) values ($1, $2, 100000)', [tenantId, BUSINESS_NUMBER])
  await db.query(
    `insert into contacts (tenant_id, display_name, phones, message_channel)
     select $1, 'Customer ' || i, jsonb_build_array(jsonb_build_object('value', '+1256555' || lpad((1000 + i)::text, 4, '0'), 'primary', true)), 'text'
     from generate_series(1, $2) i`,
    [tenantId, REMINDERS],
  )
  await db.query(
    `insert into text_consents (tenant_id, contact_id, service_at, service_how) select tenant_id, id, now(), 'phone_call' from contacts where tenant_id = $1`,
    [tenantId],
  )
  await db.query(
    `insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end)
     select $1, row_number() over (order by id), id, now() + interval '1 day', now() + interval '1 day 1 hour' from contacts where tenant_id = $1`,
    [tenantId],
  )
  await db.query(
    `insert into scheduled_messages (tenant_id, contact_id, kind, ticket_id, send_at, channel)
     select tenant_id, contact_id, 'reminder', id, now() - interval '1 minute', 'text' from tickets where tenant_id = $1`,
    [tenantId],
  )
  return tenantId
}

/** One `crm worker --drain --json` process against the scratch database and the fake; its counts. */
function runWorker(databaseUrl: string, twilio: FakeTwilio, dataDir: string): Promise<{ sent: number }> {
  return drainWorker({ DATABASE_URL: databaseUrl, CRM_DATA_DIR: dataDir, ...twilioEnv(twilio) })
}
