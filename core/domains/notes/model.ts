import type { Queryable } from '../../db/types.js'
import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'
import type { RecordKind } from '../../vocabulary/records.js'

/** The columns of a note as the API shows it. */
export const NOTE_COLUMNS = 'id, contact_id, ticket_id, lead_id, content, author_type, author_id, created_at'

/** Where notes live, for the audited writes of core/vocabulary/records.ts. */
export const NOTE_TABLE: RecordKind = { table: 'notes', columns: NOTE_COLUMNS, entity: 'note' }

/** How many notes include=notes shows per contact, newest first; the notes data type has them all. */
export const NOTES_PER_CONTACT = 20

/** The newest notes of each of the given contacts, by contact id. */
export async function notesOf(tx: Queryable, contactIds: string[]): Promise<Map<string, unknown[]>> {
  const byContact = new Map<string, unknown[]>(contactIds.map((id) => [id, []]))
  if (!contactIds.length) return byContact
  const r = await tx.query<{ contact_id: string }>(
    `select n.* from unnest($1::uuid[]) as c (id)
     cross join lateral (select ${NOTE_COLUMNS} from notes where contact_id = c.id order by created_at desc, id desc limit ${NOTES_PER_CONTACT}) n`,
    [contactIds],
  )
  for (const row of r.rows) byContact.get(row.contact_id)?.push(row)
  return byContact
}

/** A note as the API shows it (NOTE_COLUMNS): it belongs to exactly one of a contact, a ticket or a lead. */
export const NOTE_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid().nullable(),
  ticket_id: z.uuid().nullable(),
  lead_id: z.uuid().nullable(),
  content: z.string(),
  author_type: z.enum(['user', 'agent', 'system']),
  author_id: z.uuid().nullable(),
  created_at: timestamp,
})
