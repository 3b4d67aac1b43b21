import { createHash } from 'node:crypto'
import type { Database, Queryable } from '../db/types.js'
import { setLocal, setLocalStatements } from '../db/tenant.js'
import { rolesOf } from '../db/roles.js'
import { archivedSequences, archivedTables, ident, type ArchivedTable } from './catalog.js'
import type { EntrySink } from './entries.js'

/** Rows fetched and written at a time. */
const BATCH_ROWS = 500

/** What an archive holds, table by table: the counts and checksums a restore is verified against. */
export interface ArchiveSummary {
  counts: Record<string, number>
  checksums: Record<string, string>
  /** Each document's business and content hash, `<business>/<sha256>`, sorted. */
  documents: string[]
}

/** The settings every dump and every check of a restore reads rows under, so the same data reads as the same text on either engine. */
export const READ_SETTINGS = setLocalStatements({ timezone: 'UTC', intervalstyle: 'postgres', extra_float_digits: '1' })

/** The manifest: the first entry of every archive. */
export interface Manifest {
  scope: string
  created_at: string
  /** The migrations the data was written under, in order. */
  schema: Array<{ version: number; name: string }>
  engine: string
  tables: Array<{ name: string; columns: string[] }>
}

/**
 * Writes the manifest, every archived table's rows (business by business, in key order) and the sequences from a
 * database that nothing else writes to while this runs (a snapshot: a copy of the embedded folder, or one repeatable
 * read transaction), and answers the summary and the documents to add. Runs as the database owner; each business's
 * rows are read with that business set, so row level security admits them whether or not the owner bypasses it.
 */
export async function dumpSnapshot(snapshot: Database, scope: { tenantId?: string }, out: EntrySink, now: Date): Promise<ArchiveSummary> {
  return snapshot.transaction(
    async (tx) => {
      await tx.exec(READ_SETTINGS.join('; '))
      const tables = await archivedTables(tx)
      const schema = await tx.query<{ version: number; name: string }>('select version, name from schema_migrations order by version')
      const manifest: Manifest = {
        scope: scope.tenantId ?? 'all',
        created_at: now.toISOString(),
        schema: schema.rows,
        engine: snapshot.engine,
        tables: tables.map((t) => ({ name: t.name, columns: t.columns })),
      }
      await out.write({ type: 'manifest', manifest })
      const businesses = scope.tenantId ? [scope.tenantId] : await businessIds(tx)
      const summary: ArchiveSummary = { counts: {}, checksums: {}, documents: [] }
      // The business last set: with one business it is set once, not again for each of some hundred tables.
      let businessSet: string | null = null
      const holding = new Map<string | null, Set<string>>()
      // The tables no business owns last, with a business still set, as their rows are read below.
      for (const tenant of [...businesses, null]) {
        if (tenant) await setLocal(tx, { 'app.tenant_id': tenant })
        businessSet = tenant ?? businessSet
        holding.set(tenant, await tablesHolding(tx, tables, tenant, scope.tenantId))
      }
      for (const table of tables) {
        const hash = createHash('sha256')
        let count = 0
        for (const tenant of ownedByBusiness(table) ? businesses : [null]) {
          if (!holding.get(tenant)?.has(table.name)) continue
          if (tenant && tenant !== businessSet) {
            await setLocal(tx, { 'app.tenant_id': tenant })
            businessSet = tenant
          }
          count += await dumpRows(tx, table, { tenant, onlyTenant: scope.tenantId, signInRole: rolesOf(snapshot).signIn }, out, hash)
        }
        summary.counts[table.name] = count
        summary.checksums[table.name] = hash.digest('hex')
      }
      for (const name of await archivedSequences(tx)) {
        const r = await tx.query<{ last_value: string; is_called: boolean }>(`select last_value::text, is_called from ${ident(name)}`)
        await out.write({ type: 'sequence', name, last_value: r.rows[0].last_value, is_called: r.rows[0].is_called })
      }
      summary.documents = await documentsOf(tx, businesses)
      return summary
    },
    // A snapshot of a server: every read sees the same moment, and nothing is written.
    snapshot.engine === 'postgres' ? 'set transaction isolation level repeatable read, read only' : undefined,
  )
}

/** Every business, through the operator's function that reads them before any is opened. */
async function businessIds(tx: Queryable): Promise<string[]> {
  const r = await tx.query<{ id: string }>('select id from operator_businesses() order by id')
  return r.rows.map((row) => row.id)
}

/** Tables read past row level security by another role than the dump's: their rows are read whether or not they seem empty. */
const READ_AS_ANOTHER_ROLE = new Set(['oauth_clients'])

/**
 * The tables that may hold rows of a business (or, with none, the tables no business owns), asked in one statement with
 * the business set: most of some hundred tables hold none, and reading an empty one took three round trips.
 */
async function tablesHolding(
  tx: Queryable,
  tables: ArchivedTable[],
  tenant: string | null,
  onlyTenant: string | undefined,
): Promise<Set<string>> {
  const found = new Set<string>()
  const params: unknown[] = []
  const branches: string[] = []
  for (const table of tables) {
    if (ownedByBusiness(table) !== (tenant !== null)) continue
    if (READ_AS_ANOTHER_ROLE.has(table.name)) {
      found.add(table.name)
      continue
    }
    const where = rowsOf(table, tenant, onlyTenant, `$${params.length + 2}`)
    params.push(table.name, ...where.params)
    branches.push(
      `select $${params.length - where.params.length}::text as name where exists (select 1 from ${ident(table.name)} t ${where.sql})`,
    )
  }
  if (branches.length) {
    const r = await tx.query<{ name: string }>(branches.join('\nunion all\n'), params)
    for (const row of r.rows) found.add(row.name)
  }
  return found
}

/** Writes one table's rows (of one business, or all of a table no business owns) and adds them to the checksum. */
async function dumpRows(
  tx: Queryable,
  table: ArchivedTable,
  { tenant, onlyTenant, signInRole }: { tenant: string | null; onlyTenant: string | undefined; signInRole: string },
  out: EntrySink,
  hash: ReturnType<typeof createHash>,
): Promise<number> {
  const where = rowsOf(table, tenant, onlyTenant)
  // oauth_clients is read by the sign-in role alone (its policy), whoever the owner is.
  const asRole = READ_AS_ANOTHER_ROLE.has(table.name) ? signInRole : null
  if (asRole) await tx.exec(`set local role ${asRole}`)
  const cursor = `backup_${table.name}`
  await tx.query(
    `declare ${ident(cursor)} no scroll cursor for
     select to_jsonb(t)::text as row from ${ident(table.name)} t ${where.sql} order by ${table.key.map(ident).join(', ')}`,
    where.params,
  )
  let count = 0
  for (;;) {
    const r = await tx.query<{ row: string }>(`fetch ${BATCH_ROWS} from ${ident(cursor)}`)
    if (!r.rows.length) break
    const text = `${r.rows.map((row) => row.row).join('\n')}\n`
    hash.update(text)
    count += r.rows.length
    await out.write({ type: 'rows', table: table.name, tenant, count: r.rows.length }, Buffer.from(text))
    // A short batch was the last: no round trip more to find the cursor empty.
    if (r.rows.length < BATCH_ROWS) break
  }
  await tx.exec(`close ${ident(cursor)}`)
  if (asRole) await tx.exec('reset role')
  return count
}

/** Whether a table's rows belong to businesses (read business by business) rather than to the installation. */
function ownedByBusiness(table: ArchivedTable): boolean {
  return table.hasTenant || table.name === 'tenants'
}

/**
 * Which rows of a table an archive holds: a business's own, or (for a whole archive) all of a table no business owns;
 * its one parameter is `param`.
 */
function rowsOf(
  table: ArchivedTable,
  tenant: string | null,
  onlyTenant: string | undefined,
  param = '$1',
): { sql: string; params: unknown[] } {
  if (table.name === 'tenants') return { sql: `where t.id = ${param}`, params: [tenant] }
  if (table.hasTenant) return { sql: `where t.tenant_id = ${param}`, params: [tenant] }
  if (table.name === 'installation' && onlyTenant) return { sql: `where t.first_tenant_id = ${param}`, params: [onlyTenant] }
  return { sql: '', params: [] }
}

/** The document contents the businesses name: documents, their versions and logos. */
async function documentsOf(tx: Queryable, businesses: string[]): Promise<string[]> {
  const found: string[] = []
  for (const tenant of businesses) {
    await setLocal(tx, { 'app.tenant_id': tenant })
    const r = await tx.query<{ sha256: string }>(
      `select sha256 from documents where tenant_id = $1
       union select sha256 from document_versions where tenant_id = $1
       union select logo_sha256 from tenants where id = $1 and logo_sha256 is not null`,
      [tenant],
    )
    for (const row of r.rows) found.push(`${tenant}/${row.sha256}`)
  }
  return found.sort()
}
