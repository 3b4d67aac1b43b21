import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { auditedArchive, auditedInsert, auditedUpdate } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { oneSubjectOf } from '../record-subject.js'
import { ALLOWED_CONTENT_TYPES, checkContent, type CheckedContent } from './content.js'
import { DOCUMENT_CATEGORIES, DOCUMENT_COLUMNS, DOCUMENT_RECORD, DOCUMENT_TABLE, DOCUMENT_TARGETS, loadDocument } from './model.js'
import { BY_AGENT_OR_API, customer, ownVisit } from '../../vocabulary/places.js'

const content = {
  content_base64: z.string().min(1).describe("The file's bytes in base64; at most the configured limit (10 MB unless set otherwise)"),
  content_type: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe(
      'What the file is; images (jpeg, png, webp, heic) and PDF are known by their bytes, other types must be given: text/plain, text/csv, office documents',
    ),
}

const tags = z
  .array(z.string().trim().toLowerCase().min(1).max(40))
  .max(20)
  .transform((list) => [...new Set(list)])
  .describe('Short words to find it by, e.g. ["front", "before"]; lower-cased')

/** Attaches a file to a customer, a visit, an invoice or a quote. */
export const uploadDocument = defineAction({
  key: 'document.upload',
  phrases: [
    'upload a photo',
    'attach a file to a customer or job',
    'attach',
    'file',
    'photo',
    'picture',
    'contract',
    'estimate',
    'pdf',
    'upload',
  ],
  title: 'Upload a file or photo',
  place: { owner: customer('Upload a file or photo'), technician: ownVisit('Add photo') },
  description:
    'Attach a file to exactly one of a contact (contact_id), a ticket (ticket_id), an invoice (invoice_id) or a quote (quote_id): name, category ' +
    `(${DOCUMENT_CATEGORIES.join('|')}; default photo for images, else other), tags, content_base64 and content_type. Accepted: ` +
    `${ALLOWED_CONTENT_TYPES.join(', ')}. Photos may be added to a closed ticket: they are not part of its record. ` +
    'Returns the metadata; read the bytes with document_content?id=.',
  access: { agent: 'unrestricted', technician: 'assigned' },
  input: z.strictObject({
    contact_id: z.uuid().optional(),
    ticket_id: z.uuid().optional(),
    invoice_id: z.uuid().optional(),
    quote_id: z.uuid().optional(),
    name: noteText(200).describe('What people call it, e.g. "Signed contract 2026" or "Back windows after"'),
    category: z.enum(DOCUMENT_CATEGORIES).optional(),
    tags: tags.optional(),
    ...content,
  }),
  output: DOCUMENT_RECORD,
  shortAnswer: ['content_type', 'size_bytes', 'version'],
  async run(ctx, input) {
    const { kind: target, id: targetId } = await oneSubjectOf(ctx.db, input, DOCUMENT_TARGETS)
    if (ctx.actor.type === 'user' && ctx.actor.role === 'technician' && target.entity !== 'ticket') {
      throw new AppError('FORBIDDEN', 'A technician attaches files to their tickets only: give ticket_id', {
        field: `data.${target.field}`,
      })
    }
    const file = checkContent(input.content_base64, input.content_type, ctx.services.config.documents.maxBytes)
    const category = input.category ?? (file.contentType.startsWith('image/') ? 'photo' : 'other')
    await ctx.services.documents.put(ctx.db, ctx.tenantId, file.sha256, file.bytes)
    const document = await auditedInsert(
      ctx,
      DOCUMENT_TABLE,
      `insert into documents (tenant_id, ${target.field}, name, category, tags, content_type, size_bytes, sha256, author_type, author_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${DOCUMENT_COLUMNS}`,
      [
        ctx.tenantId,
        targetId,
        input.name,
        category,
        input.tags ?? [],
        file.contentType,
        file.bytes.length,
        file.sha256,
        ctx.actor.type,
        ctx.actor.id,
      ],
    )
    await addVersion(ctx, String(document.id), 1, file)
    return document
  },
})

/** Replaces a document's content, keeping every earlier version readable. */
export const newDocumentVersion = defineAction({
  key: 'document.new_version',
  title: 'Upload a new version of a file',
  place: BY_AGENT_OR_API,
  description:
    'Upload a new version of a document (document_id): content_base64 and content_type as for document.upload. The list shows the ' +
    'latest; earlier versions stay readable with document_content?id=&version=. An archived document is a CONFLICT.',
  access: { agent: 'unrestricted', technician: 'none' },
  phrases: ['replace file', 'updated contract', 'revised estimate'],
  input: z.strictObject({ document_id: z.uuid(), ...content }),
  output: DOCUMENT_RECORD,
  shortAnswer: ['content_type', 'size_bytes', 'version'],
  async run(ctx, input) {
    const before = await loadDocument(ctx.db, input.document_id, true)
    if (before.archived_at)
      throw new AppError('CONFLICT', `Document ${before.id} is archived; upload a new document instead`, { document_id: before.id })
    const file = checkContent(input.content_base64, input.content_type, ctx.services.config.documents.maxBytes)
    await ctx.services.documents.put(ctx.db, ctx.tenantId, file.sha256, file.bytes)
    const version = before.version + 1
    const fields = { version, content_type: file.contentType, size_bytes: file.bytes.length, sha256: file.sha256 }
    const after = await auditedUpdate(ctx, DOCUMENT_TABLE, before, fields, 'new_version')
    await addVersion(ctx, before.id, version, file)
    return after
  },
})

/** Renames a document, or changes its category or tags. */
export const updateDocument = defineAction({
  key: 'document.update',
  title: 'Rename or tag a file',
  place: BY_AGENT_OR_API,
  description:
    "Change a document's name, category or tags (the whole list; [] clears it). Only the fields given change. An archived one is a CONFLICT.",
  access: { agent: 'unrestricted', technician: 'none' },
  phrases: ['rename file', 'tag photo'],
  input: z.strictObject({
    document_id: z.uuid(),
    name: noteText(200).optional(),
    category: z.enum(DOCUMENT_CATEGORIES).optional(),
    tags: tags.optional(),
  }),
  output: DOCUMENT_RECORD,
  async run(ctx, input) {
    const before = await loadDocument(ctx.db, input.document_id, true)
    if (before.archived_at)
      throw new AppError('CONFLICT', `Document ${before.id} is archived; it can no longer change`, { document_id: before.id })
    return auditedUpdate(ctx, DOCUMENT_TABLE, before, {
      name: input.name ?? before.name,
      category: input.category ?? before.category,
      tags: input.tags ?? before.tags,
    })
  },
})

/** Takes a document out of lists; it stays readable by id. */
export const archiveDocument = defineAction({
  key: 'document.archive',
  title: 'Archive a file',
  place: BY_AGENT_OR_API,
  description:
    'Archive a document attached by mistake or no longer wanted: it leaves lists and pages but stays readable by id, with its versions. ' +
    'Archiving twice changes nothing.',
  access: { agent: 'soft_limit', technician: 'none' },
  phrases: ['delete file', 'remove photo'],
  input: z.strictObject({ document_id: z.uuid() }),
  output: DOCUMENT_RECORD,
  async run(ctx, input) {
    const before = await loadDocument(ctx.db, input.document_id, true)
    return auditedArchive(ctx, DOCUMENT_TABLE, before)
  },
})

/** Records one version of a document's content, by whoever uploaded it. */
async function addVersion(ctx: OperationContext, documentId: string, version: number, file: CheckedContent): Promise<void> {
  await ctx.db.query(
    `insert into document_versions (tenant_id, document_id, version, content_type, size_bytes, sha256, author_type, author_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [ctx.tenantId, documentId, version, file.contentType, file.bytes.length, file.sha256, ctx.actor.type, ctx.actor.id],
  )
}
