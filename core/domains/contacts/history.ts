import type { Plug } from '../../kernel/domain-manifest.js'
import type { Queryable } from '../../db/types.js'

/** Counts one kind of a contact's records, by the contact's id, in the business's transaction. */
export type HistoryCount = (tx: Queryable, contactId: string) => Promise<number>

// Contacts' own kinds come first; the domains above contacts add theirs through their manifests' plugs.
const counts = new Map<string, HistoryCount>([
  ['notes', async (tx, id) => countOf(tx, 'select count(*) as n from notes where contact_id = $1', id)],
  ['merged_contacts', async (tx, id) => countOf(tx, 'select count(*) as n from contacts where merged_into = $1', id)],
])

/**
 * Adds a kind of history, named as a refused delete names it (tickets, invoices). A domain that keeps records of a
 * contact gives its count through its manifest (contactHistoryPlug), so contacts tells history without reading that domain's tables.
 */
export function registerContactHistory(kind: string, count: HistoryCount): void {
  counts.set(kind, count)
}

/** The number a count statement (`n`, one row) answers for a contact: for a domain's HistoryCount. */
export async function countOf(tx: Queryable, sql: string, contactId: string): Promise<number> {
  const r = await tx.query<{ n: string | number }>(sql, [contactId])
  return Number(r.rows[0]?.n ?? 0)
}

/** What a contact has done with the business, kind by kind, leaving out kinds with none; any of it means archive, never delete. */
export async function contactHistory(tx: Queryable, contactId: string): Promise<Record<string, number>> {
  const history: Record<string, number> = {}
  // One after another: the counts share the caller's transaction, which runs one statement at a time.
  for (const [kind, count] of counts) {
    const n = await count(tx, contactId)
    if (n > 0) history[kind] = n
  }
  return history
}

/** A kind of a contact's history another domain keeps, for its manifest's plugs. */
export function contactHistoryPlug(kind: string, count: HistoryCount): Plug {
  return { into: 'contacts.history', plugIn: () => registerContactHistory(kind, count) }
}
