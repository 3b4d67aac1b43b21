import { createHash } from 'node:crypto'
import { setLocal, setLocalStatements } from '../db/tenant.js'
import { functionsFor, migrateWithin, readMigrations, type MigrationFile } from '../db/migrate.js'
import type { Database, Queryable } from '../db/types.js'
import { rolesOf } from '../db/roles.js'
import { ident } from './catalog.js'
import type { ArchiveSummary, Manifest } from './dump.js'
import type { Entry } from './entries.js'

/** Why a restore will not go ahead; nothing was written when it is thrown. */
export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RestoreRefused'
  }
}

/** Puts one document's bytes into the target's store (inside the load's transaction, for a store in the database). */
export type PutDocument = (tx: Queryable, tenantId: string, sha256: string, bytes: Buffer) => Promise<void>

/** What a load read from its archive. */
export interface Loaded {
  manifest: Manifest
  summary: ArchiveSummary
  /** What the caller's step after the rows answered. */
  afterRows?: number
  /** What the caller's last step migrated. */
  migrated: string[]
}

/** A restore may rightly take minutes on a large business, whatever limit the connection brings (a pooler's). */
const NO_STATEMENT_LIMIT = setLocalStatements({ statement_timeout: '0' }).join('; ')

/** The migrations an archive was written under, or a refusal when it names one this code does not have (a newer archive). */
export function migrationsFor(manifest: Manifest, files: MigrationFile[] = readMigrations()): MigrationFile[] {
  const known = new Map(files.map((f) => [f.version, f]))
  const unknown = manifest.schema.filter((m) => known.get(m.version)?.name !== m.name)
  if (unknown.length)
    throw new RestoreRefused(
      `The archive was made by a newer version of the product (its schema has ${unknown.map((m) => m.name).join(', ')}, ` +
        'which this code does not know): upgrade this install first, then restore',
    )
  const last = Math.max(0, ...manifest.schema.map((m) => m.version))
  return files.filter((f) => f.version <= last)
}

/** Steps of the caller's inside the load's one transaction. */
export interface LoadSteps {
  /** First, before migrating: emptying what was there (a restore over a server's business). */
  before?: (tx: Queryable) => Promise<void>
  /** Once the rows are written, before the keys are checked again; answers a count the caller reports. */
  afterRows?: (tx: Queryable) => Promise<number>
  /** Last, once everything is put back: the migrations newer than the archive; answers their names. */
  after?: (tx: Queryable) => Promise<string[]>
}

/**
 * Loads an archive's entries into an empty database in one transaction: migrates it to the archive's schema (with the
 * SQL function files when that schema is the newest), empties the archived tables, defers the foreign keys (sets aside
 * those an older schema made not deferrable), sets aside triggers and forced row level security, writes the rows,
 * sequences and documents, then checks every key (while the owner still reads every row) and puts back the triggers
 * and the forced security. A failure anywhere leaves the database exactly as it was: an empty one stays empty.
 */
export async function loadArchive(
  target: Database,
  entries: AsyncIterator<Entry>,
  putDocument: PutDocument,
  steps: LoadSteps = {},
): Promise<Loaded> {
  const first = await entries.next()
  if (first.done || first.value.head.type !== 'manifest') throw new RestoreRefused('The archive has no manifest')
  const manifest = first.value.head.manifest as Manifest
  const files = migrationsFor(manifest)
  let afterCount: number | undefined
  let migrated: string[] = []
  const summary = await target.transaction(async (tx) => {
    await steps.before?.(tx)
    await migrateWithin(tx, rolesOf(target), files, functionsFor(files))
    const tables = manifest.tables.map((t) => t.name)
    // Keys that may be deferred are checked once the rows are in; others (an archive's older schema) are set aside.
    const foreignKeys = await tx.query<{ tbl: string; name: string; def: string }>(
      `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def
       from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace and not condeferrable order by 1, 2`,
    )
    const forced = await tx.query<{ name: string }>(
      `select relname as name from pg_class where relnamespace = 'public'::regnamespace and relforcerowsecurity and relname = any($1)`,
      [tables],
    )
    await execAll(tx, [
      'set constraints all deferred',
      ...foreignKeys.rows.map((fk) => `alter table ${fk.tbl} drop constraint ${ident(fk.name)}`),
      ...tables.map((name) => `alter table ${ident(name)} disable trigger user`),
      ...forced.rows.map(({ name }) => `alter table ${ident(name)} no force row level security`),
      ...(tables.length ? [`truncate ${tables.map(ident).join(', ')}`] : []),
    ])
    const columns = new Map(manifest.tables.map((t) => [t.name, t.columns]))
    let loadedSummary: ArchiveSummary | null = null
    for (let next = await entries.next(); !next.done; next = await entries.next()) {
      const { head, payload } = next.value
      if (head.type === 'rows') await insertRows(tx, String(head.table), columns.get(String(head.table)), payload)
      else if (head.type === 'sequence')
        await tx.query('select setval($1::regclass, $2::bigint, $3)', [ident(String(head.name)), head.last_value, head.is_called])
      else if (head.type === 'document') {
        const sha256 = String(head.sha256)
        if (createHash('sha256').update(payload).digest('hex') !== sha256)
          throw new RestoreRefused(`The archive is damaged: document ${sha256} does not match its hash`)
        await setLocal(tx, { 'app.tenant_id': String(head.tenant) })
        await putDocument(tx, String(head.tenant), sha256, payload)
      } else if (head.type === 'summary') loadedSummary = head.summary as ArchiveSummary
    }
    if (!loadedSummary) throw new RestoreRefused('The archive is cut short: it has no summary')
    if (steps.afterRows) afterCount = await steps.afterRows(tx)
    // The keys first: a key added back checks the referenced tables as the owner, which forced row level security would
    // limit to one business (none, with no business set), so a role that is not a superuser would find every key broken.
    await execAll(tx, [
      'set constraints all immediate',
      ...foreignKeys.rows.map((fk) => `alter table ${fk.tbl} add constraint ${ident(fk.name)} ${fk.def}`),
      ...tables.map((name) => `alter table ${ident(name)} enable trigger user`),
      ...forced.rows.map(({ name }) => `alter table ${ident(name)} force row level security`),
    ])
    if (steps.after) migrated = await steps.after(tx)
    return loadedSummary
  }, NO_STATEMENT_LIMIT)
  return { manifest, summary, afterRows: afterCount, migrated }
}

/**
 * Runs statements in order as one message: several hundred keys, triggers and policies, each a round trip of its own
 * before (into the embedded engine's thread, or over the network). The first that fails ends it, with its own error.
 */
async function execAll(tx: Queryable, statements: string[]): Promise<void> {
  if (statements.length) await tx.exec(statements.join(';\n'))
}

/** Inserts one batch of rows (one JSON text per line) through jsonb_populate_recordset, so every type reads back as written. */
async function insertRows(tx: Queryable, table: string, columns: string[] | undefined, payload: Buffer): Promise<void> {
  if (!columns) throw new RestoreRefused(`The archive is damaged: rows of ${table}, a table its manifest does not list`)
  const rows = payload.toString('utf8').trimEnd().split('\n')
  const list = columns.map(ident).join(', ')
  await tx.query(
    `insert into ${ident(table)} (${list}) overriding system value
     select ${list} from jsonb_populate_recordset(null::${ident(table)}, $1::jsonb)`,
    [`[${rows.join(',')}]`],
  )
}
