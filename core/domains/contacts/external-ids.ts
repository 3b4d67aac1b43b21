import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { timestamp } from '../../kernel/output-types.js'

/*
 * A customer's keys in the systems the business moved from (Square's Customer ID, a CSV import's id column), kept by
 * the imports so a file run twice creates nothing new: readable on the contact (include=external_ids, the customer
 * page) and found by exact value in contacts?q= (migration 0081) and the universal search.
 */

/** One external id as include=external_ids shows it. */
export const EXTERNAL_ID_RECORD = z.object({
  source: z.string().describe("Where it comes from: square for Square's Customer ID, else the import's source (csv, hubspot...)"),
  external_id: z.string(),
  created_at: timestamp,
})

/** The external ids of the given contacts, grouped by contact id, in the order they were kept. */
export async function externalIdsOf(tx: Queryable, contactIds: string[]): Promise<Map<string, unknown[]>> {
  const byContact = new Map<string, unknown[]>(contactIds.map((id) => [id, []]))
  if (!contactIds.length) return byContact
  const r = await tx.query<{ contact_id: string }>(
    `select contact_id, source, external_id, created_at from contact_external_ids
    where contact_id = any($1::uuid[]) order by created_at, source, external_id`,
    [contactIds],
  )
  for (const { contact_id, ...row } of r.rows) byContact.get(contact_id)?.push(row)
  return byContact
}

/** How people read an external id's source: "Square customer ID", else "<source> ID". */
export function externalIdLabel(source: string): string {
  return source === 'square' ? 'Square customer ID' : `ID in ${source.replace(/_/g, ' ')}`
}
