import type { OperationContext, Principal, Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { contextOf, scopeOf } from '../../kernel/operations-context.js'
import type { PlannedRow } from './square-customers.js'
import { writeCustomersInBulk } from './write-customers-bulk.js'
import type { ImportSummary } from './write-in-chunks.js'
import {
  copyKnown,
  knownCustomers,
  refusalOf,
  RowRefused,
  writeCustomerRow,
  type KnownCustomers,
  type RowOutcome,
} from './write-customers.js'

/** Rows written behind one savepoint. A savepoint per row would cost a subtransaction each, which PostgreSQL slows down on past 64. */
const CHUNK = 500

/** What an import did, or would do on a dry run: counts and every row's outcome with its line number. */
export type ImportReport = ImportSummary<RowOutcome>

/** Imports the rows in the caller's transaction; a dry run is rolled back to where it began, so it writes nothing. */
export async function importRowsIn(
  ctx: OperationContext,
  rows: PlannedRow[],
  dryRun: boolean,
  onProgress: (done: number, total: number) => void = () => {},
  known?: KnownCustomers,
): Promise<ImportReport> {
  // Effects after commit (emails to a customer who gained an address) belong to a real run only.
  const runCtx = dryRun ? { ...ctx, afterCommit: () => {} } : ctx
  // Two imports of one business at once (a new dry run taking over from one under way, a run beside a check) write the same
  // Square ids, tags and facts: their batches take turns instead of meeting row by row, which could deadlock one of them.
  await ctx.db.query(`select pg_advisory_xact_lock(hashtextextended($1 || ':import', 0))`, [ctx.tenantId])
  if (dryRun) await ctx.db.query('savepoint import_dry_run')
  const outcomes: RowOutcome[] = []
  try {
    const customers = known ?? (await knownCustomers(ctx.db))
    for (let start = 0; start < rows.length; start += CHUNK) {
      outcomes.push(...(await writeChunk(runCtx, customers, rows.slice(start, start + CHUNK), dryRun)))
      onProgress(outcomes.length, rows.length)
    }
  } finally {
    if (dryRun) await ctx.db.query('rollback to savepoint import_dry_run')
  }
  return reportOf(outcomes, dryRun)
}

/**
 * Writes a chunk of rows behind one savepoint, with one statement per table. When the database refuses the chunk, it is
 * undone and written again row by row, which tells the row at fault.
 */
async function writeChunk(ctx: OperationContext, known: KnownCustomers, rows: PlannedRow[], dryRun: boolean): Promise<RowOutcome[]> {
  const before = copyKnown(known)
  await ctx.db.query('savepoint import_bulk')
  try {
    const outcomes = await writeCustomersInBulk(ctx, known, rows, dryRun)
    await ctx.db.query('release savepoint import_bulk')
    return outcomes
  } catch (err) {
    await ctx.db.query('rollback to savepoint import_bulk')
    Object.assign(known, before)
    if (refusalOf(err) === null) throw err
  }
  return writeChunkRowByRow(ctx, known, rows)
}

/** Writes a chunk of rows behind one savepoint; when the database refuses a row, the chunk is undone and written again without it. */
async function writeChunkRowByRow(ctx: OperationContext, known: KnownCustomers, rows: PlannedRow[]): Promise<RowOutcome[]> {
  const refused = new Map<PlannedRow, RowOutcome>()
  for (;;) {
    const before = copyKnown(known)
    await ctx.db.query('savepoint import_chunk')
    try {
      const written = new Map<PlannedRow, RowOutcome>()
      for (const row of rows) {
        if (refused.has(row)) continue
        try {
          written.set(row, await writeCustomerRow(ctx, known, row))
        } catch (err) {
          if (err instanceof RowRefused) refused.set(row, err.outcome)
          throw err
        }
      }
      await ctx.db.query('release savepoint import_chunk')
      return rows.map((row) => (refused.get(row) ?? written.get(row)) as RowOutcome)
    } catch (err) {
      await ctx.db.query('rollback to savepoint import_chunk')
      Object.assign(known, before)
      if (!(err instanceof RowRefused)) throw err
    }
  }
}

/** Imports in batches of its own transaction each, reporting progress; a dry run is one transaction, rolled back. */
export async function importInBatches(
  services: Services,
  principal: Principal,
  rows: PlannedRow[],
  opts: { dryRun: boolean; batchSize: number; requestId: string; onProgress?: (done: number, total: number) => void },
): Promise<ImportReport> {
  const progress = opts.onProgress ?? (() => {})
  const inTransaction = <T>(fn: (ctx: OperationContext) => Promise<T>) =>
    withTenant(services.db, scopeOf(principal, opts.requestId), (tx) =>
      fn(contextOf(services, principal, tx, opts.requestId, null, () => {})),
    )
  if (opts.dryRun) return inTransaction((ctx) => importRowsIn(ctx, rows, true, progress))
  const known = await inTransaction((ctx) => knownCustomers(ctx.db))
  const outcomes: RowOutcome[] = []
  for (let start = 0; start < rows.length; start += opts.batchSize) {
    // A batch is a transaction of its own, so what was imported stays imported if a later batch fails.
    const batch = await inTransaction((ctx) => importRowsIn(ctx, rows.slice(start, start + opts.batchSize), false, () => {}, known))
    outcomes.push(...batch.rows)
    progress(outcomes.length, rows.length)
  }
  return reportOf(outcomes, false)
}

function reportOf(rows: RowOutcome[], dryRun: boolean): ImportReport {
  const count = (o: RowOutcome['outcome']) => rows.filter((r) => r.outcome === o).length
  return { dry_run: dryRun, total: rows.length, created: count('created'), matched: count('matched'), refused: count('refused'), rows }
}
