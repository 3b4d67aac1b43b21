import { MissingContentError, type DocumentStore } from './store.js'

/** Documents in the document_blobs table of the PostgreSQL server, written in the same transaction as their metadata. */
export function databaseStore(): DocumentStore {
  return {
    kind: 'database',
    describe: () => 'in the PostgreSQL server (table document_blobs)',
    async put(tx, tenantId, sha256, bytes) {
      await tx.query('insert into document_blobs (tenant_id, sha256, content) values ($1, $2, $3) on conflict do nothing', [
        tenantId,
        sha256,
        bytes,
      ])
    },
    async get(tx, _tenantId, sha256) {
      const r = await tx.query<{ content: Uint8Array }>('select content from document_blobs where sha256 = $1', [sha256])
      if (!r.rows[0]) throw new MissingContentError('the table document_blobs')
      return Buffer.from(r.rows[0].content)
    },
    async remove(tx, _tenantId, sha256) {
      await tx.query('delete from document_blobs where sha256 = $1', [sha256])
    },
  }
}
