import type { Queryable } from '../../db/types.js'
import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'
import { lockRecord, type RecordKind } from '../../vocabulary/records.js'

/** The columns of an address as the API shows it. */
export const ADDRESS_COLUMNS = `id, contact_id, label, line1, line2, city, state, postal_code, country, access_notes, archived_at,
  created_at, updated_at, latitude, longitude, point_status, point_note, point_at`

/** Where addresses live, for lockRecord, auditedUpdate and auditedArchive (core/vocabulary/records.ts). */
export const ADDRESS_TABLE: RecordKind = { table: 'addresses', columns: ADDRESS_COLUMNS, entity: 'address' }

/** An address row, locked for update, or NOT_FOUND. */
export async function lockAddress(tx: Queryable, id: string): Promise<Record<string, unknown>> {
  return lockRecord(tx, ADDRESS_TABLE, id)
}

/** The addresses in use (not archived) of each of the given contacts, by contact id. */
export async function addressesOf(tx: Queryable, contactIds: string[]): Promise<Map<string, unknown[]>> {
  const byContact = new Map<string, unknown[]>(contactIds.map((id) => [id, []]))
  if (!contactIds.length) return byContact
  const r = await tx.query<{ contact_id: string }>(
    `select ${ADDRESS_COLUMNS} from addresses where contact_id = any($1::uuid[]) and archived_at is null order by created_at, id`,
    [contactIds],
  )
  for (const row of r.rows) byContact.get(row.contact_id)?.push(row)
  return byContact
}

/** An address as the API shows it (ADDRESS_COLUMNS). */
export const ADDRESS_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid(),
  label: z.string().nullable(),
  line1: z.string(),
  line2: z.string().nullable(),
  city: z.string(),
  state: z.string(),
  postal_code: z.string(),
  country: z.string(),
  access_notes: z.string().nullable(),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  point_status: z
    .enum(['pending', 'found', 'not_found', 'failed', 'by_hand'])
    .describe(
      'Where the pin comes from: pending (not looked up yet), found (the geocoder), not_found, failed (tried again later), by_hand',
    ),
  point_note: z.string().nullable().describe('The pin in words: what the geocoder matched, or why there is no pin'),
  point_at: timestamp.nullable(),
})

/** The pin's fields, for a view of an address that leaves them out (a visit's address shows where to go in words). */
export const ADDRESS_POINT_OMITTED = { latitude: true, longitude: true, point_status: true, point_note: true, point_at: true } as const
