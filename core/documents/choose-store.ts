import { join } from 'node:path'
import type { Config } from '../kernel/config.js'
import type { Database } from '../db/types.js'
import { databaseStore } from './database-store.js'
import { filesStore } from './files-store.js'
import { s3Store } from './s3-store.js'
import type { DocumentStore } from './store.js'

/**
 * The configured document store: the one CRM_DOCUMENT_STORE names; else S3 when a bucket is set; else beside the
 * database: files in the data folder for the embedded engine, a table of the server for PostgreSQL (so every process
 * of a server install reads the same files without a shared disk).
 */
export function documentStoreFor(config: Config, db: Pick<Database, 'engine'>): DocumentStore {
  const kind = config.documents.store ?? (db.engine === 'postgres' ? 'database' : 'files')
  if (kind === 's3' && config.documents.s3) return s3Store(config.documents.s3)
  if (kind === 'database') return databaseStore()
  return filesStore(join(config.dataDir, 'documents'))
}
