import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { notFound } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import type { RecordKind } from '../../vocabulary/records.js'

/** What a document is, for filtering and for how pages show it. */
export const DOCUMENT_CATEGORIES = ['contract', 'photo', 'estimate', 'other'] as const

/**
 * The records a document can be attached to: its input field, table and entity. One line each, so another kind of record
 * joins with a line here and a column in the documents table.
 */
export const DOCUMENT_TARGETS = [
  { field: 'contact_id', table: 'contacts', entity: 'contact' },
  { field: 'ticket_id', table: 'tickets', entity: 'ticket' },
  { field: 'invoice_id', table: 'invoices', entity: 'invoice' },
  { field: 'quote_id', table: 'quotes', entity: 'quote' },
] as const

/** The columns of a document as the API shows it: the latest version's facts, never its bytes. */
export const DOCUMENT_COLUMNS = `id, contact_id, ticket_id, invoice_id, quote_id, name, category, tags, version, content_type, size_bytes, sha256,
  author_type, author_id, archived_at, created_at, updated_at`

/** Where documents live, for the records helper. */
export const DOCUMENT_TABLE: RecordKind = { table: 'documents', columns: DOCUMENT_COLUMNS, entity: 'document' }

/** One version of a document's content. */
export const DOCUMENT_VERSION = z.object({
  version: z.number().int(),
  content_type: z.string(),
  size_bytes: z.number().int(),
  sha256: z.string(),
  author_type: z.enum(['user', 'agent', 'system']),
  author_id: z.uuid().nullable(),
  created_at: timestamp,
})

/** A document as the API shows it (DOCUMENT_COLUMNS), attached to exactly one record. */
export const DOCUMENT_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid().nullable(),
  ticket_id: z.uuid().nullable(),
  invoice_id: z.uuid().nullable(),
  quote_id: z.uuid().nullable(),
  name: z.string(),
  category: z.enum(DOCUMENT_CATEGORIES),
  tags: z.array(z.string()),
  version: z.number().int(),
  content_type: z.string(),
  size_bytes: z.number().int(),
  sha256: z.string(),
  author_type: z.enum(['user', 'agent', 'system']),
  author_id: z.uuid().nullable(),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** A document row as read from the database. */
export type DocumentRow = z.output<typeof DOCUMENT_RECORD>

/** One document as stored, locked for a change when asked; NOT_FOUND when there is none. */
export async function loadDocument(tx: Queryable, id: string, lock = false): Promise<DocumentRow> {
  const r = await tx.query(`select ${DOCUMENT_COLUMNS} from documents where id = $1 ${lock ? 'for update' : ''}`, [id])
  if (!r.rows[0]) throw notFound('document', id)
  return r.rows[0] as DocumentRow
}
