import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { createApp } from '../../api/app.js'
import { loadConfig, type Config } from '../../core/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/log.js'
import { createServices } from '../../core/services.js'
import { createTenant } from '../../core/tenants.js'
import { jsonPoster } from '../http-client.js'
import { createScratchDatabase, type ScratchDatabase } from '../postgres-server.js'
import { recordingDatabase, statementName, type RecordedStatement } from '../recording-database.js'
import type { Scenario } from '../scenario.js'
import {
  cleanUp, closeServer, describeUnits, expectOk, listen, measureBoth, report, type Load, type RecordedRequest,
} from './contact-create.js'

/** Connections in each pool: openPostgres's default, used for the app and the baseline alike. */
const POOL_SIZE = 20

/** ticket.create with three line items through POST /api/actions, against the same statements sent straight through pg. */
export const ticketCreate: Scenario = {
  name: 'ticket.create',
  needs: 'postgres',
  async run(settings) {
    setLogLevel('silent')
    const scratch = await createScratchDatabase(settings.databaseUrl, 'tickets')
    let db: Database | undefined
    let server: Server | undefined
    try {
      db = openPostgres(scratch.url, POOL_SIZE)
      await migrate(db)
      const tenant = await createTenant(db, { name: 'Bench Window Cleaning', owner_email: 'owner@bench.example' })
      const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' })
      const recorded = await recordOneRequest(config, db, tenant.agent_token)
      server = await listen(createApp(createServices(config, db)))
      const app = appLoad(server, tenant.agent_token, recorded.catalog, settings.concurrency)
      const { app: appResult, baseline } = await measureBoth(app, baselineLoad(scratch, recorded), settings)
      return report(appResult, baseline, recorded, settings)
    } finally {
      await cleanUp(server, db, scratch)
    }
  },
}

/** Stands in the notes of the recorded request; each replay puts its own unique text in its place. */
const MARKER = `marker${randomBytes(4).toString('hex')}`

/** What a ticket is booked against: one contact and the services of its three lines. */
interface Catalog {
  contactId: string
  fixedId: string
  perUnitId: string
  flexibleId: string
}

/** The body of one call: a visit with three lines and no technicians, so no double-booking check can refuse it. */
function createBody(catalog: Catalog, unique: string) {
  return {
    domain: 'ticket', action: 'create',
    data: {
      contact_id: catalog.contactId,
      scheduled_start: '2026-11-05T15:00:00Z',
      notes: `Visit ${unique}`,
      line_items: [
        { service_id: catalog.fixedId },
        { service_id: catalog.perUnitId, quantity: 12 },
        { service_id: catalog.flexibleId, unit_price_cents: 42000 },
      ],
    },
  }
}

/** The statements that make up booking a ticket, whatever else the app sends around them. */
const ESSENTIAL = ['select set_config', 'select from contacts', 'select from services', 'insert into tenant_counters', 'insert into tickets',
  'insert into ticket_technicians', 'insert into ticket_line_items', 'insert into audit_log']

/** The recorded request, with the catalog it used and the ticket it made (whose id and number each replay replaces). */
interface RecordedTicket extends RecordedRequest {
  catalog: Catalog
  ticketId: string
  ticketNumber: number
}

/**
 * Creates the catalog and a contact through the registered actions, then sends ticket.create through a second copy
 * of the app whose database records every statement; the second of two requests is kept.
 */
async function recordOneRequest(config: Config, db: Database, token: string): Promise<RecordedTicket> {
  const recorder = recordingDatabase(db)
  const probe = await listen(createApp(createServices(config, recorder.db)))
  const client = jsonPoster(`http://127.0.0.1:${(probe.address() as AddressInfo).port}`, 1, { authorization: `Bearer ${token}` })
  const create = async (domain: string, data: Record<string, unknown>): Promise<{ id: string; number?: number }> => {
    const r = await client.post('/api/actions', { domain, action: 'create', data })
    await expectOk(r)
    return (r.json as { data: { id: string; number?: number } }).data
  }
  let ticket: { id: string; number?: number }
  let catalog: Catalog
  try {
    catalog = {
      fixedId: (await create('service', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })).id,
      perUnitId: (await create('service', { name: 'Screen Cleaning', pricing: 'per_unit', price_cents: 500, unit_name: 'screen', default_duration_minutes: 5 })).id,
      flexibleId: (await create('service', { name: 'Window Cleaning', pricing: 'flexible', price_cents: 35000, default_duration_minutes: 120 })).id,
      contactId: (await create('contact', { display_name: 'Bench Customer', email: 'customer@bench.example' })).id,
    }
    await expectOk(await client.post('/api/actions', createBody(catalog, `first${MARKER}`)))
    recorder.units.length = 0
    ticket = (await create('ticket', createBody(catalog, MARKER).data))
  } finally {
    client.close()
    await closeServer(probe)
  }
  const units = [...recorder.units]
  const action = units.find((u) => u.transaction && u.statements.some((s) => statementName(s.text) === 'insert into tickets'))
  const essential = action?.statements.filter((s) => ESSENTIAL.includes(statementName(s.text))) ?? []
  if (essential.map((s) => statementName(s.text)).join() !== ESSENTIAL.join() || typeof ticket.number !== 'number') {
    throw new Error(`expected ticket.create to send ${ESSENTIAL.join(', ')} in one transaction; it sent: ${describeUnits(units)}`)
  }
  return { units, essential, catalog, ticketId: ticket.id, ticketNumber: ticket.number }
}

/** ticket.create through POST /api/actions over keep-alive HTTP, as an agent. */
function appLoad(server: Server, token: string, catalog: Catalog, concurrency: number): Load {
  const client = jsonPoster(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, concurrency, { authorization: `Bearer ${token}` })
  return {
    op: (label) => async (n) => expectOk(await client.post('/api/actions', createBody(catalog, `app${label}n${n}`))),
    async close() {
      client.close()
    },
  }
}

/**
 * The floor: per operation, one transaction with the essential statements as the app sent them, straight through pg.
 * Like the app, each replay inserts the ticket under the number the counter returns and hangs its lines and audit
 * row on the id the insert returns, so every replay writes a ticket of its own.
 */
function baselineLoad(scratch: ScratchDatabase, recorded: RecordedTicket): Load {
  const pool = new pg.Pool({ connectionString: scratch.url, max: POOL_SIZE, connectionTimeoutMillis: 5000, query_timeout: 30_000 })
  pool.on('error', () => {})
  return {
    op: (label) => async (n) => {
      const unique = `base${label}n${n}`
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('begin')
        let number = recorded.ticketNumber
        let id = recorded.ticketId
        for (const s of recorded.essential) {
          const name = statementName(s.text)
          const params = s.params.map((p) => replay(p, { MARKER: unique, id, number, recorded }, name))
          const r = await client.query<{ value?: number; id?: string }>(s.text, params)
          if (name === 'insert into tenant_counters') number = Number(r.rows[0].value)
          if (name === 'insert into tickets') id = String(r.rows[0].id)
        }
        await client.query('commit')
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken = e))
        throw err
      } finally {
        client.release(broken)
      }
    },
    close: () => pool.end().catch(() => {}),
  }
}

/** A recorded parameter with the marker, the ticket id and (in the ticket insert) the ticket number of this replay. */
function replay(p: unknown, now: { MARKER: string; id: string; number: number; recorded: RecordedTicket }, statement: string): unknown {
  if (typeof p === 'string') return p.replaceAll(MARKER, now.MARKER).replaceAll(now.recorded.ticketId, now.id)
  if (Array.isArray(p)) return p.map((v) => replay(v, now, statement))
  if (typeof p === 'number' && statement === 'insert into tickets' && p === now.recorded.ticketNumber) return now.number
  return p
}
