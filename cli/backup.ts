import { z } from 'zod'
import { readControlFile } from '../core/backup/control.js'
import { makeBackup, type BackupResult } from '../core/backup/make.js'
import { loadConfig, type Config } from '../core/kernel/config.js'
import { DataDirInUse, lockDataDir } from '../core/db/data-dir-lock.js'
import { openDatabase } from '../core/db/open.js'
import { openPgliteThread } from '../core/db/pglite-thread.js'
import type { Database } from '../core/db/types.js'
import { documentStoreFor } from '../core/documents/choose-store.js'
import { AppError, ERROR_STATUS, type ErrorCode } from '../core/kernel/errors.js'
import { businessOf, tenantOption } from './business.js'
import { describeDatabase, parseCommandArgs, parseOptions } from './command.js'

/** `crm backup`: one sealed archive of every business (or one), verified by restoring it, in CRM_BACKUP_DIR and the bucket. */
export async function runBackup(argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(argv, { tenant: { type: 'string' }, json: { type: 'boolean' } })
  const { tenant } = parseOptions(z.object({ tenant: tenantOption }), { tenant: values.tenant }, { tenant: '--tenant' })
  const config = loadConfig()
  if (!config.backup.key) throw keyMissingInShell()
  const result = config.databaseUrl ? await backupHere(config, tenant) : await backupEmbedded(config, tenant)
  if (values.json) return JSON.stringify(result)
  return describe(result)
}

/**
 * This shell has no CRM_BACKUP_KEY. The server may have one (in its own environment), but a process never reads
 * another's: the key is set here too, the same one, or made first when the business has none.
 */
function keyMissingInShell(): AppError {
  return new AppError(
    'CONFLICT',
    'CRM_BACKUP_KEY is not set in this shell, so crm backup cannot seal an archive. Set it here to the key the server has ' +
      '(with the systemd units of docs/deploy.md it is in /etc/service-crm/env, which `set -a; . /etc/service-crm/env` reads into the shell). ' +
      "If the business has no key yet, make one with `openssl rand -base64 32`, put it in the server's environment too and restart the server, " +
      'and keep a copy apart from the backups (an archive cannot be opened without it).',
    { field: 'CRM_BACKUP_KEY' },
  )
}

/** On the embedded engine: the server holding the folder makes it; with none, this process opens the folder itself. */
async function backupEmbedded(config: Config, tenant: string | undefined): Promise<BackupResult> {
  let lock: ReturnType<typeof lockDataDir>
  try {
    lock = lockDataDir(config.dataDir, 'crm backup')
  } catch (err) {
    if (!(err instanceof DataDirInUse)) throw err
    return askServer(config, tenant, err)
  }
  try {
    return await backupHere(config, tenant, await openPgliteThread(config.dataDir))
  } finally {
    lock.release()
  }
}

/** Makes the backup in this process, over the given database or the configured server. */
async function backupHere(config: Config, tenant: string | undefined, opened?: Database): Promise<BackupResult> {
  const db =
    opened ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      databasePreparedStatements: config.databasePreparedStatements,
      databaseRolePrefix: config.databaseRolePrefix,
      databasePoolSize: 2,
    }))
  try {
    const exists = await db.query<{ t: string | null }>(`select to_regclass('tenants')::text as t`)
    if (!exists.rows[0]?.t)
      throw new AppError('NOT_FOUND', `${describeDatabase()} holds nothing to back up yet: start the server once first`)
    const tenantId = tenant ? (await businessOf(db, tenant)).id : undefined
    return await makeBackup({ db, config, documents: documentStoreFor(config, db), now: () => new Date() }, { tenantId, reason: 'manual' })
  } finally {
    await db.close()
  }
}

/** Asks the server that holds the data folder to make the backup, with the secret it wrote there. */
async function askServer(config: Config, tenant: string | undefined, inUse: DataDirInUse): Promise<BackupResult> {
  const control = readControlFile(config.dataDir)
  if (!control)
    throw new AppError(
      'UNAVAILABLE',
      `${inUse.message.split('. ')[0]}, which does not take backup requests yet; try again once it has started`,
    )
  const res = await fetch(`${control.url}/internal/backup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-crm-control': control.secret },
    body: JSON.stringify(tenant ? { tenant_id: tenant } : {}),
  }).catch((err: Error) => {
    throw new AppError('UNAVAILABLE', `The server holding ${config.dataDir} did not answer at ${control.url}: ${err.message}`)
  })
  const body = (await res.json().catch(() => null)) as {
    success?: boolean
    data?: BackupResult
    error?: { code?: string; message?: string; details?: Record<string, unknown> }
  } | null
  if (body?.success && body.data) return body.data
  // The server's own refusal, with its code, goes on as it is: it says what the server lacks and what to do.
  const code = body?.error?.code && body.error.code in ERROR_STATUS ? (body.error.code as ErrorCode) : 'UNAVAILABLE'
  throw new AppError(code, body?.error?.message ?? `The server answered HTTP ${res.status}`, body?.error?.details)
}

function describe(r: BackupResult): string {
  const size = r.bytes >= 1_048_576 ? `${(r.bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(r.bytes / 1024))} KB`
  const rows = Object.entries(r.counts)
    .filter(([t]) => ['tenants', 'contacts', 'tickets', 'invoices', 'documents'].includes(t))
    .map(([t, n]) => `${n} ${t}`)
    .join(', ')
  return [
    `Backup verified (restored into a scratch database and compared table by table): ${r.file}`,
    `  ${size}, sha256 ${r.sha256}; ${rows}`,
    ...(r.remote ? [`  copied to ${r.remote}`] : []),
    ...(r.missing_documents.length ? [`  ${r.missing_documents.length} document(s) were missing from the store and are not in it`] : []),
    ...(r.deleted.length ? [`  retention removed ${r.deleted.length} older archive(s)`] : []),
  ].join('\n')
}
