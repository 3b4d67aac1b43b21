import type { OperationContext } from '../../kernel/context.js'
import { AppError, notFound } from '../../kernel/errors.js'
import { MissingContentError } from '../../documents/store.js'

/** One version of a document's file: its facts now, its bytes when asked. */
export interface DocumentFile {
  id: string
  name: string
  version: number
  content_type: string
  size_bytes: number
  bytes(): Promise<Buffer>
}

/** A document's latest version, or the one named; NOT_FOUND naming what is missing. Reads within the caller's business only. */
export async function readDocumentFile(
  ctx: Pick<OperationContext, 'db' | 'tenantId' | 'services'>,
  id: string,
  version?: number,
): Promise<DocumentFile> {
  const r = await ctx.db.query<{ name: string; version: number; content_type: string; size_bytes: number; sha256: string }>(
    `select d.name, v.version, v.content_type, v.size_bytes, v.sha256 from documents d
     join document_versions v on v.tenant_id = d.tenant_id and v.document_id = d.id and v.version = coalesce($2::int, d.version)
     where d.id = $1`,
    [id, version ?? null],
  )
  const row = r.rows[0]
  if (!row) {
    if (version !== undefined && (await ctx.db.query('select 1 from documents where id = $1', [id])).rows[0]) {
      throw new AppError('NOT_FOUND', `Document ${id} has no version ${version}`, { field: 'version', id })
    }
    throw notFound('document', id)
  }
  return {
    id,
    name: row.name,
    version: row.version,
    content_type: row.content_type,
    size_bytes: Number(row.size_bytes),
    async bytes() {
      try {
        return await ctx.services.documents.get(ctx.db, ctx.tenantId, row.sha256)
      } catch (err) {
        if (err instanceof MissingContentError)
          throw new AppError('NOT_FOUND', `The file of document ${id} is missing from the document store: ${err.message}`, { id })
        throw err
      }
    },
  }
}
