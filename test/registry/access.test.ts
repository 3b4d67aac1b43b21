import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { entityOfField, fieldsOwnerApproves, reachOf } from '../../core/kernel/access.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Principal, Services } from '../../core/kernel/context.js'
import { createServices } from '../../api/product.js'
import { AppError } from '../../core/kernel/errors.js'
import { jsonSchemaOf } from '../../core/kernel/json-schema.js'
import { performAction, performQuery } from '../../core/kernel/operations.js'
import { technicianCanReach } from '../../core/vocabulary/reach.js'
import type { ActionDefinition } from '../../core/kernel/registry.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { withTenant } from '../../core/db/tenant.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { capturingEmail } from '../helpers/email.js'
import { CannotSynthesize, synthesize, type JsonSchema } from '../helpers/synthesize.js'
import { snapshotTenant } from '../helpers/tenant-data.js'
import { outputProblems } from '../helpers/output-check.js'
import { PENDING_AUTHORIZATION } from '../../core/domains/approvals/queue.js'

// Both engines: the generated registry tests prove the two engines answer alike.

// Generated from the registry: every action and data type, including ones added later, is held to its declared access.

const SLOW = 600_000
const why = 'Checking that each caller can do exactly what the access declaration says'

/** One side of the business: a technician's ticket and the records around it. */
interface Patch {
  technician: Principal
  ids: Record<string, string>
}

/** What an agent's call without reasoning may answer: asked for reasoning, or the call's own failure against the data. */
const CALL_FAILURES = ['REASONING_REQUIRED', 'NOT_FOUND', 'VALIDATION_ERROR', 'CONFLICT', 'IMMUTABLE', 'UNAVAILABLE']

describe.each(bothEngines)('every operation allows exactly its declared access (%s)', (engine) => {
  let t: TestDatabase
  let services: Services
  let tenantId: string
  let owner: Principal
  let agent: Principal
  let mine: Patch
  let theirs: Patch
  const request = () => ({ requestId: randomUUID() })
  /** Answers that did not match the declared output (or, when queued, the pending-authorization answer), by caller and action. */
  const misshapen: string[] = []

  beforeAll(async () => {
    t = await freshDatabase(engine)
    const config = { ...loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }), logLevel: 'silent' as const }
    services = createServices(config, t.db, { email: capturingEmail() })
    const created = await createTenant(t.db, { name: 'Access Window Cleaning', owner_email: 'owner@access.test' })
    tenantId = created.tenant_id
    owner = { tenantId, actor: { type: 'user', id: created.owner_user_id, role: 'owner' } }
    const token = await t.admin.query<{ id: string }>('select id from agent_tokens where tenant_id = $1', [tenantId])
    agent = { tenantId, actor: { type: 'agent', id: token.rows[0].id } }
    const service = (await act(owner, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15000 })) as {
      id: string
    }
    mine = await patch('Mina', service.id, 1)
    theirs = await patch('Theo', service.id, 2)
  }, SLOW)
  afterAll(() => t?.dispose())

  async function act(who: Principal, domain: string, action: string, data: unknown): Promise<unknown> {
    return (await performAction(services, who, { domain, action, data, reasoning: why }, request())).result
  }

  /**
   * A technician with a ticket of their own: its customer, address, line item, notes and an attribute; their calendar
   * feed and their Google account.
   */
  async function patch(name: string, serviceId: string, day: number): Promise<Patch> {
    const user = (await act(owner, 'user', 'add', { email: `${name.toLowerCase()}@access.test`, name, role: 'technician' })) as {
      id: string
    }
    const contact = (await act(owner, 'contact', 'create', { display_name: `${name}'s customer` })) as { id: string }
    const address = (await act(owner, 'address', 'add', {
      contact_id: contact.id,
      line1: `${day} Elm St`,
      city: 'Huntsville',
      state: 'AL',
      postal_code: '35801',
    })) as { id: string }
    // Days before now, so the visit's day has come: its clock-in and close-out are open to its technician.
    const start = new Date(Date.now() - day * 86_400_000)
    start.setUTCHours(15, 0, 0, 0)
    const ticket = (await act(owner, 'ticket', 'create', {
      contact_id: contact.id,
      address_id: address.id,
      scheduled_start: start.toISOString(),
      technician_ids: [user.id],
      line_items: [{ service_id: serviceId }],
    })) as { id: string; line_items: Array<{ id: string }> }
    const note = (await act(owner, 'note', 'add', { contact_id: contact.id, content: `${name}'s customer has a dog` })) as { id: string }
    const ticketNote = (await act(owner, 'note', 'add', { ticket_id: ticket.id, content: 'Gate code 1234' })) as { id: string }
    const attribute = (await act(owner, 'attribute', 'set', { contact_id: contact.id, key: 'pets', value: 'dog' })) as { id: string }
    const feed = (await act(owner, 'calendar_feed', 'create', { user_id: user.id })) as { id: string }
    // A Google account they once connected: google_connection shows a technician their own (its id is their user id).
    await withTenant(t.db, { tenantId, actorType: 'system' }, (tx) =>
      tx.query(`insert into google_connections (tenant_id, user_id, google_email, status) values ($1, $2, $3, 'disconnected')`, [
        tenantId,
        user.id,
        `${name.toLowerCase()}@gmail.test`,
      ]),
    )
    return {
      technician: { tenantId, actor: { type: 'user', id: user.id, role: 'technician' } },
      ids: {
        user: user.id,
        contact: contact.id,
        address: address.id,
        ticket: ticket.id,
        line_item: ticket.line_items[0].id,
        note: note.id,
        ticket_note: ticketNote.id,
        attribute: attribute.id,
        service: serviceId,
        calendar_feed: feed.id,
      },
    }
  }

  /** Valid inputs for an action (all fields, then only the required ones), with record ids from the given side. */
  function inputsFor(def: ActionDefinition, side: Patch, seed: number): unknown[] {
    const schema = jsonSchemaOf(def.input) as JsonSchema
    const inputs: unknown[] = []
    for (const requiredOnly of [false, true]) {
      try {
        const input = synthesize(schema, {
          tag: 'Access',
          seed: seed * 2 + (requiredOnly ? 1 : 0),
          requiredOnly,
          uuidFor: (field) => side.ids[entityOfField(field) ?? ''] ?? randomUUID(),
        })
        if (def.input.safeParse(input).success && !inputs.some((i) => JSON.stringify(i) === JSON.stringify(input))) inputs.push(input)
      } catch (err) {
        if (!(err instanceof CannotSynthesize)) throw err
      }
    }
    return inputs
  }

  /** The error code a call ended with, or null when it succeeded. */
  async function outcomeOf(who: Principal, def: ActionDefinition, data: unknown, reasoning: string | null = why) {
    try {
      const r = await performAction(services, who, { domain: def.domain, action: def.name, data, reasoning }, request())
      for (const p of outputProblems(r.queued ? PENDING_AUTHORIZATION : def.output, r.result))
        misshapen.push(`${who.actor.type} ${def.domain}.${def.name} ${p}`)
      return { code: null, queued: r.queued, message: '' }
    } catch (err) {
      if (!(err instanceof AppError))
        return { code: `THREW ${err instanceof Error ? err.message : String(err)}`, queued: false, message: '' }
      return { code: err.code, queued: false, message: err.message }
    }
  }

  async function readOutcome(who: Principal, call: Parameters<typeof performQuery>[2]) {
    try {
      return { code: null, value: (await performQuery(services, who, call, request())) as any }
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      return { code: err.code, value: null }
    }
  }

  const foreignIds = () => new Set(Object.values(theirs.ids).filter((id) => id !== theirs.ids.service))

  it(
    "a technician is refused every action outside their reach, and another technician's records, changing nothing",
    async () => {
      const before = await snapshotTenant(t.admin, tenantId)
      const failures: string[] = []
      let seed = 0
      for (const [key, def] of services.registry.actions) {
        const reach = reachOf(def.access, 'technician')
        if (reach === 'all') continue
        const inputs = inputsFor(def, theirs, seed++)
        if (!inputs.length) failures.push(`${key}: no input could be made`)
        for (const input of inputs) {
          const got = await outcomeOf(mine.technician, def, input)
          // With reach none nothing is allowed; with reach assigned, every record named here is another technician's.
          const named = Object.keys(input as object).some((f) => entityOfField(f) !== null && entityOfField(f) !== 'service')
          if ((reach === 'none' || named) && got.code !== 'FORBIDDEN')
            failures.push(`${key} ${JSON.stringify(input)}: ${got.code ?? 'ran'} instead of FORBIDDEN`)
        }
      }
      expect(failures).toEqual([])
      expect(await snapshotTenant(t.admin, tenantId)).toEqual(before)
    },
    SLOW,
  )

  it(
    'a technician may use every action open to them on the records of their own tickets',
    async () => {
      const failures: string[] = []
      let tried = 0
      let seed = 100
      for (const [key, def] of services.registry.actions) {
        if (reachOf(def.access, 'technician') === 'none') continue
        for (const input of inputsFor(def, mine, seed++)) {
          const outOfReach = Object.keys(input as object).filter(
            (f) => entityOfField(f) !== null && !technicianCanReach(entityOfField(f) as string),
          )
          const got = await outcomeOf(mine.technician, def, input)
          tried++
          if (outOfReach.length && got.code !== 'FORBIDDEN')
            failures.push(`${key}: named ${outOfReach.join(', ')} and got ${got.code ?? 'through'}`)
          if (!outOfReach.length && (got.code === 'FORBIDDEN' || got.code?.startsWith('THREW')))
            failures.push(`${key} ${JSON.stringify(input)}: ${got.code} ${got.message}`)
        }
      }
      expect(failures).toEqual([])
      expect(tried).toBeGreaterThan(5)
    },
    SLOW,
  )

  it(
    "a technician reads only the data types open to them, and only their own tickets' records",
    async () => {
      const failures: string[] = []
      const foreign = foreignIds()
      for (const [type, def] of services.registry.queries) {
        const reach = reachOf(def.access, 'technician')
        const list = await readOutcome(mine.technician, { type, limit: 100 })
        if (reach === 'none') {
          if (list.code !== 'FORBIDDEN') failures.push(`${type}: listed with ${list.code ?? 'success'} instead of FORBIDDEN`)
          continue
        }
        if (list.code === 'FORBIDDEN') failures.push(`${type}: refused a list to a technician with reach ${reach}`)
        if (reach !== 'assigned') continue
        const leaked =
          JSON.stringify(list.value ?? {})
            .match(/[0-9a-f-]{36}/g)
            ?.filter((id) => foreign.has(id)) ?? []
        if (leaked.length) failures.push(`${type}: a technician's list shows another technician's records ${leaked.join(', ')}`)
        const entity = def.access.idEntity ?? (def.entity as string)
        if (theirs.ids[entity]) {
          const other = await readOutcome(mine.technician, { type, id: theirs.ids[entity] })
          if (other.code !== 'FORBIDDEN') failures.push(`${type}: another technician's ${entity} by id gave ${other.code ?? 'the record'}`)
          const own = await readOutcome(mine.technician, { type, id: mine.ids[entity] })
          if (own.code !== null) failures.push(`${type}: the technician's own ${entity} by id gave ${own.code}`)
        }
        if (def.entity) {
          const audit = await readOutcome(mine.technician, { type, include: ['audit_trail'] })
          if (audit.code !== 'FORBIDDEN') failures.push(`${type}: include=audit_trail gave a technician ${audit.code ?? 'the trail'}`)
        }
      }
      expect(failures).toEqual([])
      const tickets = (await performQuery(services, mine.technician, { type: 'tickets', limit: 100 }, request())) as {
        items: Array<{ id: string }>
      }
      expect(tickets.items.map((i) => i.id)).toEqual([mine.ids.ticket])
    },
    SLOW,
  )

  it(
    'an agent is refused every action for people only, changing nothing, and needs reasoning where its level says',
    async () => {
      const before = await snapshotTenant(t.admin, tenantId)
      const failures: string[] = []
      let seed = 200
      for (const [key, def] of services.registry.actions) {
        const [input] = inputsFor(def, mine, seed++)
        if (input === undefined) continue
        if (def.access.agent === 'never') {
          const got = await outcomeOf(agent, def, input)
          if (got.code !== 'FORBIDDEN') failures.push(`${key}: an agent got ${got.code ?? 'through'} instead of FORBIDDEN`)
        } else if (def.access.refuseAgent?.(input as never)) {
          // A call its declaration refuses to agents is refused before reasoning is asked for.
          const got = await outcomeOf(agent, def, input, null)
          if (got.code !== 'FORBIDDEN') failures.push(`${key}: refused for agents but got ${got.code ?? 'through'} without reasoning`)
        } else if (def.access.agent !== 'unrestricted' || fieldsOwnerApproves(def.access.ownerApproves, input).length) {
          // Without reasoning nothing runs: the agent is asked for it, or, when the call fails against the data anyway, told
          // that failure first (one round trip, not two).
          const got = await outcomeOf(agent, def, input, null)
          if (got.code === null || !CALL_FAILURES.includes(got.code))
            failures.push(`${key} (${def.access.agent}) without reasoning: ${got.code ?? 'ran'}`)
        }
      }
      expect(failures).toEqual([])
      expect(await snapshotTenant(t.admin, tenantId)).toEqual(before)
    },
    SLOW,
  )

  it(
    'no agent call gives an agent an owner, a level or a decision: every action an agent may call, run with reasoning',
    async () => {
      const owners = async () =>
        (await t.admin.query<{ id: string }>(`select id from users where tenant_id = $1 and role = 'owner' order by id`, [tenantId])).rows
      const ownersBefore = await owners()
      const failures: string[] = []
      let seed = 300
      for (const [key, def] of services.registry.actions) {
        if (def.access.agent === 'never') continue
        for (const input of inputsFor(def, mine, seed++)) {
          const refusal = def.access.refuseAgent?.(input as never)
          const got = await outcomeOf(agent, def, input)
          if (refusal && got.code !== 'FORBIDDEN') failures.push(`${key}: refused for agents (${refusal}) but got ${got.code ?? 'through'}`)
          if (!refusal && got.code === 'FORBIDDEN')
            failures.push(`${key} ${JSON.stringify(input)}: FORBIDDEN to an agent allowed ${def.access.agent}: ${got.message}`)
          if (got.code?.startsWith('THREW')) failures.push(`${key}: ${got.code}`)
          if (def.access.agent === 'requires_authorization' && got.code === null && !got.queued)
            failures.push(`${key}: ran without the owner's approval`)
          const held = fieldsOwnerApproves(def.access.ownerApproves, input)
          if (held.length && got.code === null && !got.queued)
            failures.push(`${key}: gave ${held.join(', ')} and ran without the owner's approval`)
        }
      }
      expect(failures).toEqual([])
      expect(await owners()).toEqual(ownersBefore)
      const levels = await t.admin.query('select action_key from permission_overrides where tenant_id = $1', [tenantId])
      expect(levels.rows).toEqual([])
      const decided = await t.admin.query(`select id from authorization_requests where tenant_id = $1 and status <> 'pending'`, [tenantId])
      expect(decided.rows).toEqual([])
      const tokens = await t.admin.query('select id from agent_tokens where tenant_id = $1', [tenantId])
      expect(tokens.rows).toHaveLength(1)
    },
    SLOW,
  )

  it('every call above that went through answered in its declared output', () => {
    expect([...new Set(misshapen)]).toEqual([])
  })
})
