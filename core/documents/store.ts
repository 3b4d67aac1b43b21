import type { Queryable } from '../db/types.js'

/**
 * Where the bytes of documents live, addressed by business and content hash (never by a file's name). put is called
 * inside the operation's transaction, so a store in the database writes with the metadata or not at all; a store outside
 * it writes first, and a failed transaction leaves only bytes nothing points at.
 */
export interface DocumentStore {
  readonly kind: 'files' | 'database' | 's3'
  /** One line for the start banner: which store and where. */
  describe(): string
  put(tx: Queryable, tenantId: string, sha256: string, bytes: Buffer): Promise<void>
  get(tx: Queryable, tenantId: string, sha256: string): Promise<Buffer>
  /** Removes the bytes of a content no document names any more; removing what is not there changes nothing. */
  remove(tx: Queryable, tenantId: string, sha256: string): Promise<void>
}

/** The bytes a record names are not in the store: the store was changed or emptied outside the product. */
export class MissingContentError extends Error {
  constructor(where: string) {
    super(`The stored file is missing from ${where}`)
    this.name = 'MissingContentError'
  }
}
