import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../core/kernel/config.js'
import type { Principal, Services } from '../../core/kernel/context.js'
import { type TextsFixture, textsFixture } from '../helpers/texts.js'
import { buildRegistry } from '../../api/product.js'
import { AppError } from '../../core/kernel/errors.js'
import { jsonSchemaOf } from '../../core/kernel/json-schema.js'
import { performQuery } from '../../core/kernel/operations.js'
import { MAX_LIMIT } from '../../core/kernel/pagination.js'
import type { ActionDefinition, QueryDefinition, Registry } from '../../core/kernel/registry.js'
import { createServices } from '../../api/product.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { capturingEmail } from '../helpers/email.js'
import { synthesize, type JsonSchema } from '../helpers/synthesize.js'
import { snapshotTenant, uuidsIn } from '../helpers/tenant-data.js'
import {
  type Business,
  callLeavingOut,
  describeError,
  entityOf,
  idsOf,
  inputFor,
  openBusiness,
  pick,
  seedBusiness,
} from '../helpers/seeded-business.js'
import { UUID_TEXT } from '../../core/kernel/schema-types.js'
import { type GoogleFixture, googleFixture } from '../helpers/google.js'
import { type QuickBooksFixture, quickbooksFixture } from '../helpers/quickbooks.js'

// Both engines: the generated registry tests prove the two engines answer alike.

// Generated from the registry: every action and data type, including ones added later, is checked with no code of its own.

/** The ways an action may refuse a record of another business. */
const REFUSALS = ['NOT_FOUND', 'VALIDATION_ERROR', 'FORBIDDEN']

/** Hundreds of calls per engine: room for a busy machine (a limit against hanging, not a speed check). */
const SLOW = 600_000

const UUIDS = new RegExp(UUID_TEXT, 'gi')

describe.each(bothEngines)('no operation crosses from one business into another (%s)', (engine) => {
  let t: TestDatabase
  let qb: QuickBooksFixture
  let google: GoogleFixture
  let texts: TextsFixture
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
    texts = await textsFixture()
    services = createServices(config, t.db, {
      registry,
      email: capturingEmail(),
      ...qb.services,
      ...google.services,
      integrations: { ...qb.services.integrations, ...google.services.integrations, ...texts.integrations },
    })
    alpha = await openBusiness(t, 'Alpha')
    bravo = await openBusiness(t, 'Bravo')
    // Each with a texting number of its own: what one texts must stay its own.
    await texts.connect(t.db, alpha.tenantId)
    await texts.connect(t.db, bravo.tenantId)
    // Each with a QuickBooks company of its own: what one imports or syncs must stay its own.
    await qb.connect(t.db, alpha.tenantId, null)
    await qb.connect(t.db, bravo.tenantId, null)
    // And each owner with a Google account of their own, every feature on.
    for (const b of [alpha, bravo])
      await google.connect(t.db, b.tenantId, (b.owner.actor as { id: string }).id, ['calendar', 'contacts', 'gmail'])
    await seedBusiness(services, t.admin, bravo, 2)
    await seedBusiness(services, t.admin, alpha, 1)
    invoked.clear()
  }, SLOW)
  afterAll(async () => {
    await t?.dispose()
    await qb?.close()
    await google?.close()
    await texts?.close()
  })

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
      const result = await callLeavingOut(services, def, principal, input, (field) => uuidFields.has(field))
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
})

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
