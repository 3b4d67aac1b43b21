import type { Plug } from '../../kernel/domain-manifest.js'
import type { Queryable } from '../../db/types.js'

/** What contacts reads of its customers' visits; the domain that keeps visits gives it (the tickets domain does). */
export interface ContactVisits {
  /** SQL: the start of contact `c`'s latest completed visit, or 1970 for one never visited, so never-visited contacts sort last. */
  lastVisitStart: string
  /** SQL condition: contact `c` had a completed visit starting in [from, to), with the service when one is named; `arg` binds a value. */
  receivedCondition(visit: { from?: Date; to?: Date; serviceId?: string }, arg: (value: unknown) => string): string
  /** Each contact's next visit (booked, not yet over at `now`) and latest completed one, as CONTACT_VISITS. */
  visitsOf(tx: Queryable, contactIds: string[], now: Date): Promise<Map<string, unknown>>
}

let source: ContactVisits | null = null

/** Gives contacts its customers' visits: the domain that keeps visits plugs it in through its manifest (contactVisitsPlug). */
export function registerContactVisits(visits: ContactVisits): void {
  source = visits
}

/** The registered visits; fails loudly when no domain gave them, rather than answering as if no one ever had a visit. */
export function contactVisits(): ContactVisits {
  if (!source) throw new Error("No domain gives customers' visits: the tickets domain's manifest plugs them in")
  return source
}

/** How a contact's visits are found, for the manifest's plugs of the domain that keeps visits. */
export function contactVisitsPlug(visits: ContactVisits): Plug {
  return { into: 'contacts.visits', plugIn: () => registerContactVisits(visits) }
}
