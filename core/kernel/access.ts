import type { z } from 'zod'
import type { OperationContext } from './context.js'

/** What an agent may do with an action: run it, run it with reasoning, run it only with the owner's approval, or never. */
export type AgentLevel = 'unrestricted' | 'soft_limit' | 'requires_authorization' | 'never'

/** The levels an owner can give an action for agents; `never` is the declaration's alone and no override lifts it. */
export type GrantableLevel = Exclude<AgentLevel, 'never'>

/** How far a role of people reaches with an operation: every record, only the records of their assigned tickets, or nothing. */
export type Reach = 'all' | 'assigned' | 'none'

/** The roles people sign in with. */
export type Role = 'owner' | 'technician'

/** Who may call an action, declared once on it and enforced in core for every caller. */
export interface ActionAccess<I = unknown> {
  agent: AgentLevel
  technician: Reach
  /** Owners reach every record unless this says otherwise. */
  owner?: Reach
  /** How many records one call touches, for actions that take a list; more than five from an agent waits for the owner. */
  bulk?: (input: I) => number
  /** Why this particular call is never an agent's to make (it would grant power), or null when it may go ahead. */
  refuseAgent?: (input: I) => string | null
  /**
   * Input fields that move money or replies or grant power: an agent's call giving any of them waits for the owner's
   * approval every time, whatever the action's level. Neither Allow Always, a level the owner sets nor a standing rule
   * lifts it. The other fields keep the action's level.
   */
  ownerApproves?: OwnerApproval
  /**
   * The input fields whose words customers read (their emails and pages), and how an agent's words there are reviewed.
   * Words pointing at another's channel, about paying, or a digit in a name wait for the owner every time, in any of them.
   */
  customerText?: CustomerText
  /**
   * Reads an agent's call against the current data: why the owner must answer it every time (e.g. it records more money than
   * is due), finishing "... because it ...", or null. Like ownerApproves, nothing the owner sets lifts it.
   */
  ownerSees?: (ctx: OperationContext, input: I) => Promise<string | null>
}

/**
 * Fields of an action's input that customers read, as paths into it ("notes", "line_items.description": each line's).
 * reviewed: an agent's words there wait for the owner, unless the owner allowed the action always (Allow Always, a
 * standing rule). screened: they go out as written (an address, a line's description). names: screened, and read as a
 * name (of a person, an organization, a service). In every one of them, words that point customers at a way to reach
 * or pay anyone but the business, words about paying, and a digit in a name wait for the owner every time
 * (core/text/customer-words/held-words.ts).
 */
export interface CustomerText {
  reviewed?: readonly string[]
  screened?: readonly string[]
  names?: readonly string[]
}

/** One text of a call that customers will read: where it is, its words, whether the owner reviews it, and whether it is a name. */
export interface CustomerWords {
  field: string
  text: string
  reviewed: boolean
  as: 'words' | 'name'
}

/** The input fields only the owner may let an agent give, and why, in words for both of them. */
export interface OwnerApproval {
  fields: readonly string[]
  /** Finishes "needs the owner's approval every time because it ...", e.g. "changes where customers' payments go". */
  why: string
}

/** Who may read a data type, declared once on it and enforced in core for every caller. */
export interface QueryAccess {
  agent: 'unrestricted' | 'never'
  technician: Reach
  owner?: Reach
  /** For a technician's list: the filter core sets to their own user id, so a page holds only their records. */
  assignedFilter?: string
  /** The entity an id of this type names when it is not the type's own (a close-out is read by its ticket's id). */
  idEntity?: string
  /** The include= expansions open to a technician who reaches only their assigned records. */
  technicianIncludes?: readonly string[]
}

/** More targets than this in one agent call need the owner's authorization. */
export const BULK_TARGET_LIMIT = 5

/** The reach of a role with an operation. */
export function reachOf(access: { owner?: Reach; technician: Reach }, role: Role): Reach {
  return role === 'owner' ? (access.owner ?? 'all') : access.technician
}

/** The number of records a call touches: one unless the action declares a list. */
export function targetCount<I>(access: ActionAccess<I>, input: I): number {
  return access.bulk ? access.bulk(input) : 1
}

/** The fields of an action's ownerApproves that a call gives (null included: clearing a value changes it too). */
export function fieldsOwnerApproves(approval: OwnerApproval | undefined, input: unknown): string[] {
  const given = input && typeof input === 'object' ? (input as Record<string, unknown>) : {}
  return (approval?.fields ?? []).filter((field) => given[field] !== undefined)
}

/** Input fields whose name says which record they point at without naming it (`to_contact_id` is a contact). */
const FIELD_ENTITIES: Record<string, string> = {
  to_contact: 'contact',
  technician: 'user',
  to_technician: 'user',
  source_ticket: 'ticket',
  opening: 'schedule_opening',
  batch: 'reach_out_batch',
}

/** The record kind a field points at (`ticket_id` and `ticket_ids` point at tickets), or null for other fields. */
export function entityOfField(field: string): string | null {
  const m = /^(.+?)_ids?$/.exec(field)
  if (!m) return null
  return FIELD_ENTITIES[m[1]] ?? m[1]
}

/** The fields of an object schema that point at records. */
export function referenceFields(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape
  return shape ? Object.keys(shape).filter((k) => entityOfField(k) !== null) : []
}

/** Every field an action declares customers read: reviewed, screened and names. */
export function customerTextFields(declared: CustomerText | undefined): string[] {
  return [...(declared?.reviewed ?? []), ...(declared?.screened ?? []), ...(declared?.names ?? [])]
}

/** The texts a call gives in the fields its action declares customers read, each with its path in the call. */
export function customerWordsIn(declared: CustomerText | undefined, input: unknown): CustomerWords[] {
  const out: CustomerWords[] = []
  for (const [reviewed, as, paths] of [
    [true, 'words', declared?.reviewed ?? []],
    [false, 'words', declared?.screened ?? []],
    [false, 'name', declared?.names ?? []],
  ] as const) {
    for (const path of paths) {
      for (const found of textsAt(input, path.split('.'), 'data')) out.push({ ...found, reviewed, as })
    }
  }
  return out
}

/** The non-empty strings at a path, stepping into every item of a list on the way. */
function textsAt(value: unknown, path: readonly string[], at: string): Array<{ field: string; text: string }> {
  if (Array.isArray(value)) return value.flatMap((item, i) => textsAt(item, path, `${at}.${i}`))
  if (!path.length) return typeof value === 'string' && value.trim() ? [{ field: at, text: value }] : []
  if (!value || typeof value !== 'object') return []
  return textsAt((value as Record<string, unknown>)[path[0]], path.slice(1), `${at}.${path[0]}`)
}
