import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../api/product.js'
import type { CallPreview } from '../../core/kernel/call-preview.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Services } from '../../core/kernel/context.js'
import { formatMoney } from '../../core/vocabulary/money.js'
import type { ActionDefinition } from '../../core/kernel/registry.js'
import { UUID_TEXT } from '../../core/kernel/schema-types.js'
import { freshDatabase, type TestDatabase, behaviourEngine } from '../helpers/databases.js'
import { capturingEmail } from '../helpers/email.js'
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

// Generated from the registry: every action an agent may call can be made to wait for the owner (the owner sets its level),
// so each one's card is made here from a real call and read as the owner reads it.

/** Hundreds of calls, each tried and rolled back: room for a busy machine (a limit against hanging, not a speed check). */
const SLOW = 600_000

/** The first sentence of an action's description: what a card said when it had nothing better. */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/)
  return end === -1 ? text : text.slice(0, end)
}

/** Every positive amount a call gives, at any depth (a line's unit_price_cents too). */
function amountsIn(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(amountsIn)
  if (!value || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([k, v]) => (/_cents$/.test(k) && typeof v === 'number' && v > 0 ? [v] : amountsIn(v)))
}

/** What is wrong with a card, as a list of sentences: the title is the description, an id stands for a name, an amount is unsaid. */
function cardFaults(def: ActionDefinition, input: unknown, card: CallPreview, recordIds: Set<string>): string[] {
  const faults: string[] = []
  if (card.summary === firstSentence(def.description) || def.description.startsWith(card.summary)) {
    faults.push(`its title is the action's description: "${card.summary}"`)
  }
  const words = [card.summary, ...(card.effect ?? []), ...(card.warnings ?? [])].join('\n')
  const ids = [...words.matchAll(new RegExp(UUID_TEXT, 'gi'))].map((m) => m[0].toLowerCase()).filter((id) => recordIds.has(id))
  if (ids.length) faults.push(`it shows ${ids[0]} where the record has a name`)
  const shown = new Set([...(card.lines ?? []).map((l) => l.amount_cents), ...(card.total ? [card.total.amount_cents] : [])])
  for (const cents of amountsIn(input)) {
    if (!shown.has(cents) && !words.includes(formatMoney(cents, card.currency))) {
      faults.push(`it leaves ${formatMoney(cents, card.currency)} only in the call's raw data`)
    }
  }
  return faults
}

describe("every card the owner answers says what they approve (every action an agent may call, the owner's level on each)", () => {
  let t: TestDatabase
  let services: Services
  let biz: Business
  beforeAll(async () => {
    t = await freshDatabase(behaviourEngine)
    const config = { ...loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }), logLevel: 'silent' as const }
    services = createServices(config, t.db, { email: capturingEmail() })
    biz = await openBusiness(t, 'Cards')
    await seedBusiness(services, t.admin, biz, 1)
    const asking = [...services.registry.actions.values()].filter((d) => d.access.agent !== 'never')
    await t.admin.query(
      `insert into permission_overrides (tenant_id, action_key, permission)
       select $1, k, 'requires_authorization' from unnest($2::text[]) k
       on conflict (tenant_id, action_key) do update set permission = excluded.permission`,
      [biz.tenantId, asking.map((d) => `${d.domain}.${d.name}`)],
    )
  }, SLOW)
  afterAll(async () => {
    await t?.dispose()
  })

  it(
    'leads with the effect in words: no title that is the description, no id where a name exists, no amount left in raw data',
    async () => {
      const recordIds = new Set([...biz.ids.values()].flat().map((id) => id.toLowerCase()))
      const faults: string[] = []
      const notQueued: string[] = []
      let cards = 0
      for (const [key, def] of services.registry.actions) {
        if (def.access.agent === 'never') continue
        // Each call with the business's first records, then its next ones: a paid invoice cannot be voided, the next may be.
        let requestId: string | undefined
        let why = ''
        for (let round = 0; round < 4 && !requestId; round++) {
          const built = inputFor(def, biz.tag, round, (field) => pick(idsOf(biz, entityOf(field, def.domain)), round))
          if ('reason' in built) {
            why = built.reason
            continue
          }
          for (const input of built.inputs) {
            try {
              const outcome = await callLeavingOut(services, def, biz.agent, input, () => false)
              requestId = (outcome as { request_id?: string } | null)?.request_id
              why = requestId ? '' : 'ran without waiting'
              if (requestId) break
            } catch (err) {
              why = describeError(err)
            }
          }
        }
        if (!requestId) {
          notQueued.push(`${key}: ${why}`)
          continue
        }
        const r = await t.admin.query<{ preview: CallPreview; data: unknown }>(
          'select preview, data from authorization_requests where id = $1',
          [requestId],
        )
        cards++
        if (process.env.SHOW_CARDS) console.log(key, '|', r.rows[0].preview.summary)
        for (const fault of cardFaults(def, r.rows[0].data, r.rows[0].preview, recordIds)) faults.push(`${key}: ${fault}`)
      }
      expect(faults).toEqual([])
      // Most actions reach a card with synthesized calls; the rest are refused first by their own checks, listed here.
      expect(cards, `cards read: ${cards}; not queued:\n${notQueued.join('\n')}`).toBeGreaterThanOrEqual(90)
    },
    SLOW,
  )
})
