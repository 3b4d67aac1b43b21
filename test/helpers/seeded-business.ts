// A business with records of every kind, made by running the registry's own create actions with synthesized input: the
// generated checks (test/registry) run every action against it.
import { randomUUID } from 'node:crypto'
import type { Principal, Services } from '../../core/kernel/context.js'
import type { Queryable } from '../../core/db/types.js'
import { AppError } from '../../core/kernel/errors.js'
import { jsonSchemaOf } from '../../core/kernel/json-schema.js'
import { performAction } from '../../core/kernel/operations.js'
import type { ActionDefinition } from '../../core/kernel/registry.js'
import { createTenant } from '../../core/kernel/tenants.js'
import type { TestDatabase } from './databases.js'
import { CannotSynthesize, synthesize, type JsonSchema } from './synthesize.js'
import { idsByTable } from './tenant-data.js'

/** Field names that refer to a kind of record stored under another name. */
export const ENTITY_ALIASES: Record<string, string> = { technician: 'user', owner: 'user', assignee: 'user', confirmed_by: 'user' }

/** A business of the check: its tag (in its texts), its owner and agent, and its record ids by table, refreshed after seeding. */
export interface Business {
  tag: string
  tenantId: string
  owner: Principal
  agent: Principal
  ids: Map<string, string[]>
}

/** A new business with its owner and its agent as principals, and its records' ids by table. */
export async function openBusiness(t: TestDatabase, tag: string): Promise<Business> {
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
export async function seedBusiness(services: Services, admin: Queryable, biz: Business, rounds: number): Promise<void> {
  const defs = [...services.registry.actions.entries()]
  const required = defs.filter(([, def]) => ['create', 'add'].includes(def.name))
  const extra = defs.filter(([, def]) => !['create', 'add'].includes(def.name) && /^(add_|create_|set|record_|schedule)/.test(def.name))
  const leftRequired = await runUntilStuck(services, admin, biz, required, rounds)
  if (leftRequired.length) {
    throw new Error(
      `These actions that create records cannot be run with synthesized input, so their records cannot be checked:\n` +
        leftRequired.map((i) => `  ${i.key}: ${i.reason}`).join('\n'),
    )
  }
  await runUntilStuck(services, admin, biz, extra, rounds)
}

/** Runs each action `rounds` times as the business's owner, retrying those that wait for records of another kind. */
async function runUntilStuck(services: Services, admin: Queryable, biz: Business, defs: Array<[string, ActionDefinition]>, rounds: number) {
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
          await callLeavingOut(services, item.def, biz.owner, input, () => false)
          biz.ids = await idsByTable(admin, biz.tenantId)
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
export async function callLeavingOut(
  services: Services,
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

/** The business's ids of one kind of record: contact -> contacts, line_item -> ticket_line_items, from_contact -> contacts. */
export function idsOf(biz: Business, entity: string): string[] {
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

/** The kind of record a uuid field points at: contact_id and contact_ids -> contact; id -> the operation's own kind. */
export function entityOf(field: string, ownKind: string): string {
  if (field === 'id' || field === '') return ownKind
  const base = field.replace(/_ids?$/, '')
  return ENTITY_ALIASES[base] ?? base
}

/** The i-th id of a list, round it; undefined for none. */
export function pick(ids: string[], i: number): string | undefined {
  return ids.length ? ids[i % ids.length] : undefined
}

/** Valid inputs for an action (all fields, then only the required ones), or why none could be made. */
export function inputFor(
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

/** An error in a line: its code and message. */
export function describeError(err: unknown): string {
  if (err instanceof AppError) return `${err.code}: ${err.message}`
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}
