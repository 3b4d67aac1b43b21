import { randomBytes } from 'node:crypto'
import type { Config } from '../../core/kernel/config.js'
import type { Database } from '../../core/db/types.js'
import {
  compareWithBaseline,
  CUSTOMERS_A_BUSINESS,
  essentialStatements,
  expectOk,
  moreCustomers,
  recordThroughApp,
  type RecordedRequest,
} from '../app-vs-baseline.js'
import { sendRecorded, type Sender } from '../mix-baseline.js'
import type { Scenario } from '../scenario.js'

/** ticket.create with three line items through POST /api/actions, against the same statements sent straight through pg. */
export const ticketCreate: Scenario = {
  name: 'ticket.create',
  needs: 'postgres',
  run: (settings) =>
    compareWithBaseline<RecordedTicket>(settings, {
      name: 'tickets',
      record: recordOneRequest,
      body: (recorded, unique) => createBody(recorded.catalog, unique),
      replay,
    }),
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
    domain: 'ticket',
    action: 'create',
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

/**
 * The statements that make up booking a ticket, whatever else the app sends around them: the contact's read, the
 * services, the ticket numbered by its counter and its lines in one statement, the contact's lifecycle and the audit row
 * (both sent with COMMIT).
 */
const TICKET_INSERT = 'with counter as (insert into tenant_counters'

/** The contact's lifecycle refreshed and each change audited, in one statement (core/domains/contacts/lifecycle.ts). */
const LIFECYCLE_REFRESH =
  'insert into audit_log (tenant_id, entity_type, entity_id, action, changes, actor_type, actor_id, reasoning, request_id) select'

const ESSENTIAL = [TICKET_INSERT, LIFECYCLE_REFRESH, 'insert into audit_log']

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
  const { units, result } = await recordThroughApp(config, db, token, async (client, keepFromHere) => {
    const create = async (domain: string, data: Record<string, unknown>): Promise<{ id: string; number?: number }> => {
      const r = await client.post('/api/actions', { domain, action: 'create', data })
      await expectOk(r)
      return (r.json as { data: { id: string; number?: number } }).data
    }
    const catalog: Catalog = {
      fixedId: (await create('service', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 }))
        .id,
      perUnitId: (
        await create('service', {
          name: 'Screen Cleaning',
          pricing: 'per_unit',
          price_cents: 500,
          unit_name: 'screen',
          default_duration_minutes: 5,
        })
      ).id,
      flexibleId: (
        await create('service', { name: 'Window Cleaning', pricing: 'flexible', price_cents: 35000, default_duration_minutes: 120 })
      ).id,
      contactId: (await create('contact', { display_name: 'Bench Customer', email: 'customer@bench.example' })).id,
    }
    const all = [catalog.contactId, ...(await moreCustomers(client, CUSTOMERS_A_BUSINESS - 1, 'Bench Customer'))]
    await expectOk(await client.post('/api/actions', createBody(catalog, `first${MARKER}`)))
    keepFromHere()
    return { catalog, all, ticket: await create('ticket', createBody(catalog, MARKER).data) }
  })
  const floor = essentialStatements(units, 'ticket.create', TICKET_INSERT, ESSENTIAL)
  if (typeof result.ticket.number !== 'number') throw new Error('ticket.create returned no ticket number')
  return {
    units,
    ...floor,
    customers: { recorded: result.catalog.contactId, all: result.all },
    catalog: result.catalog,
    ticketId: result.ticket.id,
    ticketNumber: result.ticket.number,
  }
}

/**
 * The floor's statements of one booking. Like the app, each replay numbers the ticket from the counter in its insert
 * and hangs its lines and audit row on the id the insert returns, so every replay writes a ticket of its own.
 */
async function replay(client: Sender, recorded: RecordedTicket, unique: string): Promise<void> {
  let id = recorded.ticketId
  for (const s of recorded.essential) {
    const params = s.params.map((p) => replaced(p, { MARKER: unique, id, recorded }))
    const r = await sendRecorded(client, s, params)
    if (s.text.trim().startsWith(TICKET_INSERT)) id = String(r?.rows[0].id)
  }
}

/** A recorded parameter with the marker and the ticket id of this replay. */
function replaced(p: unknown, now: { MARKER: string; id: string; recorded: RecordedTicket }): unknown {
  if (typeof p === 'string') return p.replaceAll(MARKER, now.MARKER).replaceAll(now.recorded.ticketId, now.id)
  if (Array.isArray(p)) return p.map((v) => replaced(v, now))
  return p
}
