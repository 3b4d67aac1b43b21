import { z } from 'zod'
import { validationError } from '../../kernel/errors.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { DOCUMENT_CATEGORIES, DOCUMENT_COLUMNS, DOCUMENT_RECORD, DOCUMENT_VERSION } from './model.js'
import { readDocumentFile } from './read-file.js'

/** Largest file document_content hands out as base64; bigger ones are downloaded from the owner's pages. */
export const INLINE_CONTENT_LIMIT_BYTES = 2 * 1024 * 1024

/** Documents by id, or those of a customer, visit, invoice or quote, newest first; metadata only. */
export const documentsQuery = defineQuery({
  type: 'documents',
  description:
    'Files attached to contacts, tickets, invoices and quotes, newest first; metadata of the latest version, never the bytes. Each: id, ' +
    'contact_id, ticket_id, invoice_id or quote_id, name, category, tags, version, content_type, size_bytes, sha256, author_type, archived_at. ' +
    `Filters: contact_id, ticket_id, invoice_id, quote_id, category (${DOCUMENT_CATEGORIES.join('|')}), tag, archived=true (only archived; ` +
    'default: not archived). include=versions lists every version. The bytes: document_content?id=.',
  entity: 'document',
  phrases: ['files', 'attachments', 'photos', 'pictures', 'contracts', 'estimates', 'pdfs'],
  access: { agent: 'unrestricted', technician: 'assigned' },
  include: ['versions'],
  params: z.object({
    contact_id: z.uuid().optional(),
    ticket_id: z.uuid().optional(),
    invoice_id: z.uuid().optional(),
    quote_id: z.uuid().optional(),
    category: z.enum(DOCUMENT_CATEGORIES).optional(),
    tag: z.string().trim().toLowerCase().min(1).max(40).optional(),
    archived: z.enum(['true', 'false']).optional(),
  }),
  record: DOCUMENT_RECORD.extend({ versions: z.array(DOCUMENT_VERSION).optional(), audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [
      req.id ?? null,
      p.contact_id ?? null,
      p.ticket_id ?? null,
      p.invoice_id ?? null,
      p.category ?? null,
      p.tag ?? null,
      req.id ? null : p.archived === 'true',
      p.quote_id ?? null,
    ]
    const page = await listPage(ctx.db, req, newestFirst(), args, {
      columns: DOCUMENT_COLUMNS,
      from: 'documents',
      where: `($1::uuid is null or id = $1)
         and ($2::uuid is null or contact_id = $2)
         and ($3::uuid is null or ticket_id = $3)
         and ($4::uuid is null or invoice_id = $4)
         and ($5::text is null or category = $5)
         and ($6::text is null or tags @> array[$6::text])
         and ($7::boolean is null or (archived_at is not null) = $7)
         and ($8::uuid is null or quote_id = $8)`,
    })
    if (req.include.has('versions') && page.items.length) {
      const v = await ctx.db.query(
        `select document_id, version, content_type, size_bytes, sha256, author_type, author_id, created_at
        from document_versions where document_id = any($1::uuid[]) order by version`,
        [page.items.map((i) => i.id)],
      )
      for (const item of page.items)
        item.versions = v.rows.filter((row) => row.document_id === item.id).map(({ document_id: _, ...rest }) => rest)
    }
    return page
  },
})

/** The bytes of one document's version, as base64, for files small enough to pass through a call. */
export const documentContentQuery = defineQuery({
  type: 'document_content',
  description:
    `One document's file, read by the document's id (id=): name, version, content_type, size_bytes and content_base64. Files up to ` +
    `${INLINE_CONTENT_LIMIT_BYTES / 1024 / 1024} MB; the latest version unless version= names an earlier one. Without an id the list is empty.`,
  phrases: ['download file', 'open photo', 'file contents'],
  access: { agent: 'unrestricted', technician: 'assigned', idEntity: 'document' },
  params: z.object({
    version: z.coerce.number().int().min(1).max(100_000).optional().describe("An earlier version's number; default the latest"),
  }),
  record: z.object({
    id: z.uuid(),
    name: z.string(),
    version: z.number().int(),
    content_type: z.string(),
    size_bytes: z.number().int(),
    content_base64: z.string(),
  }),
  async run(ctx, req) {
    if (!req.id) return { items: [], next_cursor: null }
    const file = await readDocumentFile(ctx, req.id, req.params.version)
    if (file.size_bytes > INLINE_CONTENT_LIMIT_BYTES) {
      throw validationError([
        {
          field: 'id',
          message: `the file is ${Math.ceil(file.size_bytes / 1024 / 1024)} MB, more than the ${
            INLINE_CONTENT_LIMIT_BYTES / 1024 / 1024
          } MB a call returns; the owner downloads it from the document's page`,
        },
      ])
    }
    const bytes = await file.bytes()
    return {
      items: [
        {
          id: file.id,
          name: file.name,
          version: file.version,
          content_type: file.content_type,
          size_bytes: file.size_bytes,
          content_base64: bytes.toString('base64'),
        },
      ],
      next_cursor: null,
    }
  },
})
