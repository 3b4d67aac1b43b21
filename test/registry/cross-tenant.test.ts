import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../core/config.js'
import type { Principal, Services } from '../../core/context.js'
import { buildRegistry } from '../../api/product.js'
import { AppError } from '../../core/errors.js'
import { jsonSchemaOf } from '../../core/json-schema.js'
import { performAction, performQuery } from '../../core/operations.js'
import { MAX_LIMIT } from '../../core/pagination.js'
import type { ActionDefinition, QueryDefinition, Registry } from '../../core/registry.js'
import { createServices } from '../../api/product.js'
import { createTenant } from '../../core/tenants.js'
import { engines, freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { capturingEmail } from '../helpers/email.js'
import { CannotSynthesize, synthesize, type JsonSchema } from '../helpers/synthesize.js'
import { idsByTable, snapshotTenant, uuidsIn } from '../helpers/tenant-data.js'
import { UUID_TEXT } from '../../core/schema-types.js'
import { type GoogleFixture, googleFixture } from '../helpers/google.js'
import { type QuickBooksFixture, quickbooksFixture } from '../helpers/quickbooks.js'

// Generated from the registry: every action and data type, including ones added later, is checked with no code of its own.

/** Field names that refer to a kind of record stored under another name. */
const ENTITY_ALIASES: Record<string, string> = { technician: 'user', owner: 'user', assignee: 'user', confirmed_by: 'user' }

/** The ways an action may refuse a record of another business. */
const REFUSALS = ['NOT_FOUND', 'VALIDATION_ERROR', 'FORBIDDEN']

/** Hundreds of calls per engine: room for a busy machine (a limit against hanging, not a speed check). */
const SLOW = 600_000

const UUIDS = new RegExp(UUID_TEXT, 'gi')

interface Business {
  tag: string
  tenantId: string
  owner: Principal
  agent: Principal
  /** The business's record ids by table, refreshed after seeding. */
  ids: Map<string, string[]>
}

describe.each(engines)('no operation crosses from one business into another (%s)', (engine) => {
  let t: TestDatabase
  let qb: QuickBooksFixture
  let google: GoogleFixture
  let services: Services
  let registry: Registry
  const invoked = new Map<string, number>()
  let alpha: Business
  let bravo: Business

  beforeAll(async () => {
    t = await freshDatabase(engine)
    registry = countingRegistry(buildRegistry(), invoked)
    const config = { ...loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }), logLevel: 'silent' as const }
    qb = await quickbooksFixture()
    google = await googleFixture({ secrets: qb.secrets })
    services = createServices(config, t.db, { registry, email: capturingEmail(), ...qb.services, ...google.services })
    alpha = await business('Alpha')
    bravo = await business('Bravo')
    // Each with a QuickBooks company of its own: what one imports or syncs must stay its own.
    await qb.connect(t.db, alpha.tenantId, null)
    await qb.connect(t.db, bravo.tenantId, null)
    // And each owner with a Google account of their own, every feature on.
    for (const b of [alpha, bravo])
      await google.connect(t.db, b.tenantId, (b.owner.actor as { id: string }).id, ['calendar', 'contacts', 'gmail'])
    await seed(bravo, 2)
    await seed(alpha, 1)
    invoked.clear()
  }, SLOW)
  afterAll(async () => {
    await t?.dispose()
    await qb?.close()
    await google?.close()
  })

  async function business(tag: string): Promise<Business> {
    const created = await createTenant(t.db, { name: `${tag} Window Cleaning`, owner_email: `owner@${tag.toLowerCase()}.test` })
    const token = await t.admin.query<{ id: string }>('select id from agent_tokens where tenant_id = $1', [created.tenant_id])
    return {
      tag,
      tenantId: created.tenant_id,
      owner: { tenantId: created.tenant_id, actor: { type: 'user', id: created.owner_user_id, role: 'owner' } },
      agent: { tenantId: created.tenant_id, actor: { type: 'agent', id: token.rows[0].id } },
      ids: await idsByTable(t.admin, created.tenant_id),
    }
  }

  /**
   * Gives the business records of every kind: each `create` and `add` action must run (else the check fails, naming it),
   * then every other action whose name says it makes something (add_*, create_*, set*, record_*, schedule*) runs where it can.
   */
  async function seed(biz: Business, rounds: number): Promise<void> {
    const defs = [...registry.actions.entries()]
    const required = defs.filter(([, def]) => ['create', 'add'].includes(def.name))
    const extra = defs.filter(([, def]) => !['create', 'add'].includes(def.name) && /^(add_|create_|set|record_|schedule)/.test(def.name))
    const leftRequired = await runUntilStuck(biz, required, rounds)
    if (leftRequired.length) {
      throw new Error(
        `These actions that create records cannot be run with synthesized input, so their records cannot be checked:\n` +
          leftRequired.map((i) => `  ${i.key}: ${i.reason}`).join('\n'),
      )
    }
    await runUntilStuck(biz, extra, rounds)
  }

  /** Runs each action `rounds` times as the business's owner, retrying those that wait for records of another kind. */
  async function runUntilStuck(biz: Business, defs: Array<[string, ActionDefinition]>, rounds: number) {
    let pending = defs.flatMap(([key, def]) => Array.from({ length: rounds }, (_, round) => ({ key, def, round, reason: '' })))
    while (pending.length) {
      const left: typeof pending = []
      for (const item of pending) {
        const built = inputFor(item.def, biz.tag, item.round, (field) => pick(idsOf(biz, entityOf(field, item.def.domain)), item.round))
        if ('reason' in built) {
          left.push({ ...item, reason: built.reason })
          continue
        }
        let reason = ''
        for (const input of built.inputs) {
          try {
            await callLeavingOut(item.def, biz.owner, input, () => false)
            biz.ids = await idsByTable(t.admin, biz.tenantId)
            reason = ''
            break
          } catch (err) {
            reason = describeError(err)
          }
        }
        if (reason) left.push({ ...item, reason })
      }
      if (left.length === pending.length) return left
      pending = left
    }
    return []
  }

  /** Calls an action; when it refuses optional fields by name (a combination the schema cannot express), calls again without them. */
  async function callLeavingOut(
    def: ActionDefinition,
    principal: Principal,
    input: unknown,
    keep: (field: string) => boolean,
  ): Promise<unknown> {
    const required = new Set<string>((jsonSchemaOf(def.input) as JsonSchema).required ?? [])
    let data = input as Record<string, unknown>
    for (;;) {
      try {
        const outcome = await performAction(
          services,
          principal,
          { domain: def.domain, action: def.name, data, reasoning: 'Checking that another business stays out of reach' },
          { requestId: randomUUID() },
        )
        return outcome.result
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'VALIDATION_ERROR' || !data || typeof data !== 'object') throw err
        const issues = (err.details?.issues ?? []) as Array<{ field: string }>
        const named = issues.map((i) => i.field.replace(/^data\./, '').split(/[.[]/)[0])
        const drop = named.filter((f) => f in data && !required.has(f) && !keep(f))
        if (!drop.length) throw err
        // All but the first named, then that one if it is refused again: a refusal of "exactly one of" them is met too.
        const leaving = drop.length > 1 ? drop.slice(1) : drop
        data = Object.fromEntries(Object.entries(data).filter(([k]) => !leaving.includes(k)))
        if (!def.input.safeParse(data).success) throw err
      }
    }
  }

  it('has actions and data types to check', () => {
    expect([...registry.actions.keys()]).toEqual(expect.arrayContaining(['contact.create', 'contact.update', 'contact.archive']))
    expect([...registry.queries.keys()]).toEqual(expect.arrayContaining(['contacts', 'audit_trail']))
    // The second business owns records of every kind its create actions make, so every action has something to aim at.
    expect(bravo.ids.get('contacts')?.length).toBeGreaterThanOrEqual(2)
    for (const def of registry.actions.values()) {
      if (def.name === 'create') expect(idsOf(bravo, def.domain), `records made by ${def.domain}.create`).not.toEqual([])
    }
  })

  it(
    'no action run by one business changes or reveals the records of another',
    async () => {
      const before = await snapshotTenant(t.admin, bravo.tenantId)
      const bravoUuids = uuidsIn(before)
      const allBravoIds = [...bravo.ids.values()].flat()
      const failures: string[] = []
      const attempts = new Map<string, number>()
      // Each call gets texts of its own (names, emails), so the first business's own unique rules never refuse it.
      let seed = 100
      for (const [key, def] of lastThoseThatEnd(registry.actions)) {
        const candidates = (field: string) => {
          const own = idsOf(bravo, entityOf(field, def.domain))
          return own.length ? own : allBravoIds
        }
        const uuidFields = new Set<string>()
        inputFor(def, alpha.tag, 0, (field) => {
          uuidFields.add(field)
          return allBravoIds[0]
        })
        const variants = Math.max(1, ...[...uuidFields].map((f) => candidates(f).length))
        // The agent calls, with reasoning; when policy stops it before the action runs (an action that needs the owner's consent or
        // a person), the owner calls too, who acts directly, so the action's own code is tried either way.
        const principals = ['requires_authorization', 'never'].includes(def.access.agent) ? [alpha.owner] : [alpha.agent, alpha.owner]
        for (let i = 0; i < variants; i++) {
          const built = inputFor(def, alpha.tag, seed++, (field) => pick(candidates(field), i))
          if ('reason' in built) {
            failures.push(`${key}: ${built.reason}`)
            break
          }
          for (const input of built.inputs) {
            for (const principal of principals) {
              const runsBefore = invoked.get(key) ?? 0
              attempts.set(key, (attempts.get(key) ?? 0) + 1)
              const failure = await attack(def, principal, input, uuidFields, bravoUuids)
              if (failure) failures.push(`${key} as ${principal.actor.type} with ${JSON.stringify(input)} ${failure}`)
              if ((invoked.get(key) ?? 0) > runsBefore) break
            }
          }
        }
      }
      expect(failures).toEqual([])
      const keys = [...registry.actions.keys()]
      expect(
        keys.filter((key) => !attempts.get(key)),
        'actions never called',
      ).toEqual([])
      // Each action's own code ran: the calls reached it rather than stopping at validation or policy.
      expect(
        keys.filter((key) => !invoked.get(key)),
        'actions whose code never ran',
      ).toEqual([])
      expect(await snapshotTenant(t.admin, bravo.tenantId)).toEqual(before)
    },
    SLOW,
  )

  it(
    'no data type shows one business the records of another, listed or by id',
    async () => {
      const before = await snapshotTenant(t.admin, bravo.tenantId)
      const bravoUuids = uuidsIn(before)
      const alphaUuids = uuidsIn(await snapshotTenant(t.admin, alpha.tenantId))
      const allBravoIds = [...bravo.ids.values()].flat()
      const failures: string[] = []
      const seenByOwner = new Set<string>()
      let checked = 0
      const request = { requestId: 'cross-tenant-check' }
      for (const [type, def] of registry.queries) {
        // A type no agent may read is read as the owner, who may: the check is the same either way.
        const reader = (biz: typeof alpha) => (def.access.agent === 'never' ? biz.owner : biz.agent)
        const expansions = [...(def.include ?? []), ...(def.entity ? ['audit_trail'] : [])]
        const includes = expansions.length ? [[], expansions] : [[]]
        const bravoIdsFor = (field: string) => {
          const own = idsOf(bravo, entityOf(field, def.entity ?? type))
          return own.length ? own : allBravoIds
        }
        const alphaIdsFor = (field: string) => idsOf(alpha, entityOf(field, def.entity ?? type))
        const bravoBase = requiredFilters(def, bravo.tag, bravoIdsFor)
        // The control: each business sees its own records through this type, so seeing none of the other's means something.
        const ownList = JSON.stringify(await performQuery(services, reader(bravo), { type, limit: MAX_LIMIT, filters: bravoBase }, request))
        if (uuidsOfText(ownList).some((id) => bravoUuids.has(id))) {
          seenByOwner.add(type)
          const alphaList = JSON.stringify(
            await performQuery(
              services,
              reader(alpha),
              { type, limit: MAX_LIMIT, filters: requiredFilters(def, alpha.tag, alphaIdsFor) },
              request,
            ),
          )
          if (!uuidsOfText(alphaList).some((id) => alphaUuids.has(id)))
            failures.push(`${type}: the first business does not see its own records`)
        }
        if (def.entity && idsOf(bravo, def.entity).length) {
          const id = idsOf(bravo, def.entity)[0]
          const own = (await performQuery(services, reader(bravo), { type, id, filters: bravoBase }, request)) as { id?: unknown }
          if (own.id !== id) failures.push(`${type}: its own business cannot read ${def.entity} ${id} by id`)
        }
        for (const include of includes) {
          for (const filters of filterVariants(def, bravo.tag, bravoIdsFor)) {
            checked++
            const what = `${type} listed with ${JSON.stringify({ ...filters, include })}`
            try {
              const page = (await performQuery(services, reader(alpha), { type, include, limit: MAX_LIMIT, filters }, request)) as {
                next_cursor?: unknown
              }
              const text =
                JSON.stringify(page) + (typeof page.next_cursor === 'string' ? Buffer.from(page.next_cursor, 'base64url').toString() : '')
              const leaked = uuidsOfText(text).filter((u) => bravoUuids.has(u))
              if (leaked.length) failures.push(`${what} showed the other business's ids ${leaked.join(', ')}`)
            } catch (err) {
              const refusedFilter =
                JSON.stringify(filters) !== JSON.stringify(bravoBase) && err instanceof AppError && REFUSALS.includes(err.code)
              if (!refusedFilter) failures.push(`${what} failed: ${describeError(err)}`)
            }
          }
          // By id once per id, with every expansion (the widest read of a record).
          if (include !== includes[includes.length - 1]) continue
          for (const id of allBravoIds) {
            checked++
            try {
              const found = await performQuery(services, reader(alpha), { type, id, include, filters: bravoBase }, request)
              failures.push(`${type} by id ${id} returned ${JSON.stringify(found).slice(0, 300)} instead of NOT_FOUND`)
            } catch (err) {
              if (!(err instanceof AppError && err.code === 'NOT_FOUND'))
                failures.push(`${type} by id ${id}: ${describeError(err)} instead of NOT_FOUND`)
            }
          }
        }
      }
      expect(failures).toEqual([])
      expect([...seenByOwner]).toEqual(expect.arrayContaining(['contacts', 'audit_trail']))
      expect(checked).toBeGreaterThanOrEqual(registry.queries.size * (allBravoIds.length + 1))
      expect(await snapshotTenant(t.admin, bravo.tenantId)).toEqual(before)
    },
    SLOW,
  )

  /**
   * The actions in registry order, except that one ending a connection (disconnecting QuickBooks) runs last: the others
   * then meet a connected company and reach their own code instead of being refused for want of one.
   */
  function lastThoseThatEnd(actions: ReadonlyMap<string, ActionDefinition>): Array<[string, ActionDefinition]> {
    const ending = new Set(['quickbooks.disconnect', 'google.turn_off', 'google.disconnect'])
    const all = [...actions]
    return [...all.filter(([key]) => !ending.has(key)), ...all.filter(([key]) => ending.has(key))]
  }

  /** One call as the first business with the second's ids in it; returns what went wrong, or null when it refused or kept out. */
  async function attack(def: ActionDefinition, principal: Principal, input: unknown, uuidFields: Set<string>, bravoUuids: Set<string>) {
    try {
      // The other business's ids stay in: only optional fields the action refuses for other reasons are left out.
      const result = await callLeavingOut(def, principal, input, (field) => uuidFields.has(field))
      const leaked = uuidsOfText(JSON.stringify(result)).filter((id) => bravoUuids.has(id))
      return leaked.length ? `returned the other business's ids ${leaked.join(', ')}` : null
    } catch (err) {
      if (!(err instanceof AppError) || !REFUSALS.includes(err.code)) return `failed with ${describeError(err)} instead of refusing`
      // A refusal may repeat the ids it was given, but must not name any other record of the other business.
      const given = new Set(uuidsOfText(JSON.stringify(input)))
      const named = uuidsOfText(JSON.stringify([err.message, err.details ?? null])).filter((id) => bravoUuids.has(id) && !given.has(id))
      return named.length ? `was refused naming the other business's ids ${named.join(', ')}` : null
    }
  }

  /** The business's ids of one kind of record: contact -> contacts, line_item -> ticket_line_items, from_contact -> contacts. */
  function idsOf(biz: Business, entity: string): string[] {
    const exact: string[] = []
    const suffixed: string[] = []
    for (const [table, ids] of biz.ids) {
      const singulars = [table, table.replace(/s$/, ''), table.replace(/es$/, ''), table.replace(/ies$/, 'y')]
      if (singulars.includes(entity)) exact.push(...ids)
      else if (singulars.some((s) => s.endsWith(`_${entity}`))) suffixed.push(...ids)
    }
    if (exact.length || suffixed.length) return exact.length ? exact : suffixed
    // A qualified name (from_contact, near_address, source_ticket) refers to the kind its last words name.
    const shorter = entity.replace(/^[a-z0-9]+_/, '')
    return shorter !== entity ? idsOf(biz, ENTITY_ALIASES[shorter] ?? shorter) : []
  }
})

/** The kind of record a uuid field points at: contact_id and contact_ids -> contact; id -> the operation's own kind. */
function entityOf(field: string, ownKind: string): string {
  if (field === 'id' || field === '') return ownKind
  const base = field.replace(/_ids?$/, '')
  return ENTITY_ALIASES[base] ?? base
}

function pick(ids: string[], i: number): string | undefined {
  return ids.length ? ids[i % ids.length] : undefined
}

/** Valid inputs for an action (all fields, then only the required ones), or why none could be made. */
function inputFor(
  def: ActionDefinition,
  tag: string,
  seed: number,
  uuidFor: (field: string) => string | undefined,
): { inputs: unknown[] } | { reason: string } {
  const schema = jsonSchemaOf(def.input) as JsonSchema
  const inputs: unknown[] = []
  let reason = ''
  for (const requiredOnly of [false, true]) {
    try {
      // Each of the two inputs has texts of its own, so the second never collides with the first on a unique name.
      const input = synthesize(schema, { uuidFor, tag, seed: seed * 2 + (requiredOnly ? 1 : 0), requiredOnly })
      const parsed = def.input.safeParse(input)
      if (!parsed.success) {
        reason = `synthesized input ${JSON.stringify(input)} does not validate: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
      } else if (!inputs.some((known) => JSON.stringify(known) === JSON.stringify(input))) {
        inputs.push(input)
      }
    } catch (err) {
      if (!(err instanceof CannotSynthesize)) throw err
      reason = `cannot synthesize ${err.message}`
    }
  }
  return inputs.length ? { inputs } : { reason }
}

/** Values for one filter: every enum value, the other business's ids, its tag (in all its texts) as search text, else a synthesized value. */
function filterValues(name: string, raw: JsonSchema, tag: string, idsFor: (field: string) => string[]): string[] {
  const prop = (raw.anyOf ?? raw.oneOf)?.find((b: JsonSchema) => b.type !== 'null') ?? raw
  let values: unknown[]
  if (Array.isArray(prop.enum)) values = prop.enum
  else if (prop.format === 'uuid') values = idsFor(name)
  // A list of ids (contact_ids) gets the other business's, all at once.
  else if (name.endsWith('_ids') && prop.type === 'string') values = [idsFor(name.slice(0, -1)).join(',')]
  else if (prop.type === 'string' && !prop.format && !prop.pattern && (prop.minLength ?? 0) <= tag.length) values = [tag]
  else values = [synthesize(prop, { uuidFor: (field) => idsFor(field)[0], tag, seed: 0 })]
  return values.map((value) => (Array.isArray(value) ? value.join(',') : String(value)))
}

/** The filters a data type cannot be read without, each with its first value. */
function requiredFilters(def: QueryDefinition, tag: string, idsFor: (field: string) => string[]): Record<string, string> {
  const schema = jsonSchemaOf(def.params) as JsonSchema
  const base: Record<string, string> = {}
  for (const name of (schema.required ?? []) as string[]) {
    const first = filterValues(name, schema.properties[name], tag, idsFor)[0]
    if (first !== undefined) base[name] = first
  }
  return base
}

/** The required filters alone, then with each filter set to each of its values in turn. */
function filterVariants(def: QueryDefinition, tag: string, idsFor: (field: string) => string[]): Array<Record<string, string>> {
  const base = requiredFilters(def, tag, idsFor)
  const variants: Array<Record<string, string>> = [base]
  const schema = jsonSchemaOf(def.params) as JsonSchema
  for (const [name, raw] of Object.entries<JsonSchema>(schema.properties ?? {})) {
    for (const value of filterValues(name, raw, tag, idsFor)) variants.push({ ...base, [name]: value })
  }
  return variants
}

function uuidsOfText(text: string): string[] {
  return [...text.matchAll(UUIDS)].map((m) => m[0].toLowerCase())
}

function describeError(err: unknown): string {
  if (err instanceof AppError) return `${err.code}: ${err.message}`
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/** The same registry, counting how often each action's own code runs. */
function countingRegistry(base: Registry, counts: Map<string, number>): Registry {
  const actions = new Map<string, ActionDefinition>()
  for (const [key, def] of base.actions) {
    actions.set(key, {
      ...def,
      run: (ctx, input) => {
        counts.set(key, (counts.get(key) ?? 0) + 1)
        return def.run(ctx, input)
      },
    })
  }
  return { actions, queries: base.queries }
}
