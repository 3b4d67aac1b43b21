import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Principal, Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { jsonSchemaOf } from '../../core/kernel/json-schema.js'
import { performAction, performQuery } from '../../core/kernel/operations.js'
import type { QueryDefinition } from '../../core/kernel/registry.js'
import { addDays, localDate } from '../../core/vocabulary/time.js'
import { WORKFLOW_TOOLS } from '../../mcp/workflows/index.js'
import { freshDatabase, type TestDatabase, behaviourEngine } from '../helpers/databases.js'
import { type Business, entityOf, idsOf, openBusiness, pick, seedBusiness } from '../helpers/seeded-business.js'
import { CannotSynthesize, type JsonSchema, synthesize } from '../helpers/synthesize.js'
import { type Integrations, type Mode, allOn, startIntegrations, switched } from '../helpers/unknown-modes.js'
import { hiddenUnknowns } from '../helpers/unknown-rule.js'

// Generated from the registry: every data type an agent reads and every read-only workflow, asked with each integration on
// (its local fake), off (its setting unset) and unreachable (its address a closed port). Where the answer changes, the change
// must say so (a status field, or words), never a false or an empty list that reads as a fact.

/** Seeding a business of every kind and reading it fifteen ways: room for a busy machine (a limit against hanging). */
const SLOW = 300_000
/** The clock stands still for the walk (synthesized records are dated from the real one): tomorrow has rain and a visit. */
const NOW = new Date()
const TODAY = localDate(NOW, 'America/Chicago')
const TOMORROW = addDays(TODAY, 1)
const REQUEST = '00000000-0000-4000-8000-00000000000a'

/** One thing the agent can ask: a data type's list (with every include) or a read-only workflow, by name and arguments. */
interface Ask {
  name: string
  call(services: Services, agent: Principal): Promise<unknown>
}

/** An answer, or the refusal that stands for it (its code and message): a refusal naming what is off is an answer too. */
async function answerOf(ask: Ask, services: Services, agent: Principal): Promise<unknown> {
  try {
    return JSON.parse(JSON.stringify(await ask.call(services, agent)))
  } catch (err) {
    if (err instanceof AppError) return { refused: err.code, message: err.message }
    throw err
  }
}

/** The list read of a data type with every include, its required filters synthesized from the business's records. */
function queryAsk(def: QueryDefinition, biz: Business): Ask | null {
  let filters: Record<string, unknown>
  try {
    filters = synthesize(jsonSchemaOf(def.params) as JsonSchema, {
      uuidFor: (field) => pick(idsOf(biz, entityOf(field, def.type)), 0),
      tag: biz.tag,
      seed: 0,
      requiredOnly: true,
    }) as Record<string, unknown>
  } catch (err) {
    if (err instanceof CannotSynthesize) return null
    throw err
  }
  const include = (def.include ?? []).filter((i) => i !== 'audit_trail')
  return {
    name: def.type,
    call: (services, agent) => performQuery(services, agent, { type: def.type, include, limit: 25, filters }, { requestId: REQUEST }),
  }
}

describe('an answer that depends on an integration says when it is off or unreachable (every data type and read-only workflow)', () => {
  let t: TestDatabase
  let biz: Business
  let asks: Ask[]
  let fakes: Integrations

  const servicesFor = (env: Record<string, string>) =>
    createServices({ ...loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env }), logLevel: 'silent' }, t.db, {
      secrets: fakes.secrets,
      now: () => NOW,
    })

  beforeAll(async () => {
    t = await freshDatabase(behaviourEngine)
    fakes = await startIntegrations(TODAY, TOMORROW)
    const seeding = servicesFor(allOn(fakes.list))
    biz = await openBusiness(t, 'Unknown')
    await seedBusiness(seeding, t.admin, biz, 1)
    const owner = biz.owner
    await fakes.google.connect(t.db, biz.tenantId, (owner.actor as { id: string }).id, ['calendar', 'contacts', 'gmail'])
    await fakes.connectQuickbooks(t.db, biz.tenantId, (owner.actor as { id: string }).id)
    // A home base and a visit tomorrow, when the forecast says rain: the weather has something to say about it.
    const run = (action: string, data: Record<string, unknown>) =>
      performAction(seeding, owner, { domain: action.split('.')[0], action: action.split('.')[1], data }, { requestId: REQUEST })
    await run('route.set_start', { label: 'The shop', latitude: 34.7304, longitude: -86.5861 })
    await performAction(
      seeding,
      owner,
      {
        domain: 'ticket',
        action: 'create',
        data: {
          contact_id: idsOf(biz, 'contact')[0],
          scheduled_start: `${TOMORROW}T17:00:00Z`,
          technician_ids: [(owner.actor as { id: string }).id],
        },
      },
      { requestId: REQUEST },
    )
    const contact = await t.admin.query<{ display_name: string }>('select display_name from contacts where tenant_id = $1 limit 1', [
      biz.tenantId,
    ])
    const queries = [...seeding.registry.queries.values()].filter((d) => d.access.agent !== 'never')
    asks = queries.flatMap((d) => queryAsk(d, biz) ?? [])
    const workflowArgs: Record<string, Array<Record<string, unknown>>> = {
      daily_briefing: [{}, { date: TOMORROW }],
      find_customer: [{ q: contact.rows[0].display_name }],
    }
    for (const tool of WORKFLOW_TOOLS.filter((w) => w.readOnly)) {
      for (const args of workflowArgs[tool.name] ?? [{}]) {
        asks.push({
          name: `${tool.name} ${JSON.stringify(args)}`,
          call: (services, principal) => tool.run({ services, principal, requestId: REQUEST }, z.object(tool.input).parse(args)),
        })
      }
    }
  }, SLOW)
  afterAll(async () => {
    await fakes?.close()
    await t?.dispose()
  })

  it(
    'answers the same, or says what is off or unreachable in a field or in words: never a false or an empty list that hides it',
    async () => {
      const on = servicesFor(allOn(fakes.list))
      const baseline = new Map<string, unknown>()
      for (const ask of asks) baseline.set(ask.name, await answerOf(ask, on, biz.agent))
      // Asked twice with nothing switched, every answer is the same: a difference below is the integration's alone.
      const unsteady: string[] = []
      for (const ask of asks) if (!isDeepStrictEqual(await answerOf(ask, on, biz.agent), baseline.get(ask.name))) unsteady.push(ask.name)
      expect(unsteady).toEqual([])

      const faults: string[] = []
      const compared = new Map<string, Set<string>>()
      const check = async (mode: Mode, only: Ask[]) => {
        const services = servicesFor(mode.env)
        const changed: Ask[] = []
        for (const ask of only) {
          const answer = await answerOf(ask, services, biz.agent)
          const before = baseline.get(ask.name)
          if (isDeepStrictEqual(answer, before)) continue
          changed.push(ask)
          compared.set(ask.name, (compared.get(ask.name) ?? new Set()).add(mode.label))
          const refused = (answer as { refused?: string }).refused
          if (refused === 'UNAVAILABLE' || refused === 'CONFLICT') continue
          for (const fault of hiddenUnknowns(before, answer, mode.named, mode.switches))
            faults.push(`${ask.name} (${mode.label}): ${fault}`)
        }
        return changed
      }
      // Everything switched at once finds the answers that depend on any integration; each is then asked with each alone.
      const dependent = new Set<Ask>()
      for (const how of ['off', 'unreachable'] as const)
        for (const ask of await check(await switched(fakes.list, fakes.list, how), asks)) dependent.add(ask)
      for (const i of fakes.list)
        for (const how of ['off', 'unreachable'] as const) await check(await switched(fakes.list, [i], how), [...dependent])

      if (process.env.SHOW_UNKNOWN)
        console.log(
          `${asks.length} asked; ${dependent.size} depend on an integration:\n` +
            [...compared].map(([name, modes]) => `${name}: ${[...modes].join(', ')}`).join('\n'),
        )
      expect(faults).toEqual([])
      // The walk reaches the answers known to depend on an integration; a walk that compared nothing could not fail.
      expect([...compared.keys()]).toEqual(expect.arrayContaining(['weather_outlook', `daily_briefing {"date":"${TOMORROW}"}`]))
      expect(asks.length).toBeGreaterThanOrEqual(80)
    },
    SLOW,
  )
})
