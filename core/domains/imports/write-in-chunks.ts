import type { OperationContext, Principal, Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { contextOf, scopeOf } from '../../kernel/operations-context.js'
import { refusalOf } from './write-customers.js'

/** What happened to one row of an import file, with its line number; the fields of each import's rows come on top. */
export interface ImportedRow {
  line: number
  name: string
  outcome: 'created' | 'matched' | 'refused'
  reason?: string
  warnings?: string[]
}

/** What an import did, or would do on a dry run: counts and every row's outcome with its line number. */
export interface ImportSummary<R extends ImportedRow> {
  dry_run: boolean
  total: number
  created: number
  matched: number
  refused: number
  rows: R[]
}

/** How one import writes its units (a row, or the rows of one sale) and refuses one. */
export interface UnitWriter<U, R extends ImportedRow> {
  /** Writes the units in the caller's transaction; throws when the database refuses any of them. */
  writeMany(ctx: OperationContext, units: U[]): Promise<R[]>
  /** The rows of a unit refused for the reason given. */
  refuse(unit: U, reason: string): R[]
  /** Saves what the writer keeps in memory and returns how to go back to it, for when a chunk is undone. */
  snapshot?(): () => void
}

/** Units written behind one savepoint: one subtransaction a chunk, not one a row, which PostgreSQL slows down on past 64. */
const CHUNK = 500

/**
 * Writes the units in the caller's transaction, a chunk at a time behind a savepoint. When the database refuses a chunk,
 * it is undone and each of its units written alone behind a savepoint of its own, so only the unit at fault is refused
 * and no unit is ever half written. A dry run is rolled back to where it began.
 */
export async function writeUnitsIn<U, R extends ImportedRow>(
  ctx: OperationContext,
  units: U[],
  writer: UnitWriter<U, R>,
  dryRun: boolean,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ImportSummary<R>> {
  const runCtx = dryRun ? { ...ctx, afterCommit: () => {} } : ctx
  if (dryRun) await ctx.db.query('savepoint import_dry_run')
  const rows: R[] = []
  try {
    for (let start = 0; start < units.length; start += CHUNK) {
      const chunk = units.slice(start, start + CHUNK)
      rows.push(...((await attempt(runCtx, writer, chunk)) ?? (await oneByOne(runCtx, writer, chunk))))
      onProgress(Math.min(start + CHUNK, units.length), units.length)
    }
  } finally {
    if (dryRun) await ctx.db.query('rollback to savepoint import_dry_run')
  }
  return summaryOf(rows, dryRun)
}

/** Writes each unit behind a savepoint of its own; a unit the database refuses is undone and refused with the database's reason. */
async function oneByOne<U, R extends ImportedRow>(ctx: OperationContext, writer: UnitWriter<U, R>, units: U[]): Promise<R[]> {
  const rows: R[] = []
  for (const unit of units) {
    const written = await attempt(ctx, writer, [unit], (reason) => rows.push(...writer.refuse(unit, reason)))
    if (written) rows.push(...written)
  }
  return rows
}

/** The units written behind a savepoint, or null (and nothing written) when the database refused them. */
async function attempt<U, R extends ImportedRow>(
  ctx: OperationContext,
  writer: UnitWriter<U, R>,
  units: U[],
  onRefused: (reason: string) => void = () => {},
): Promise<R[] | null> {
  const restore = writer.snapshot?.() ?? (() => {})
  await ctx.db.query('savepoint import_chunk')
  try {
    const rows = await writer.writeMany(ctx, units)
    await ctx.db.query('release savepoint import_chunk')
    return rows
  } catch (err) {
    await ctx.db.query('rollback to savepoint import_chunk')
    restore()
    const reason = refusalOf(err)
    if (reason === null) throw err
    onRefused(reason)
    return null
  }
}

/** Imports in batches of a transaction each, reporting progress; a dry run is one transaction, rolled back. */
export async function writeUnitsInBatches<U, R extends ImportedRow>(
  services: Services,
  principal: Principal,
  units: U[],
  writerOf: (ctx: OperationContext) => Promise<UnitWriter<U, R>>,
  opts: { dryRun: boolean; batchSize: number; requestId: string; onProgress?: (done: number, total: number) => void },
): Promise<ImportSummary<R>> {
  const progress = opts.onProgress ?? (() => {})
  const inTransaction = <T>(fn: (ctx: OperationContext) => Promise<T>) =>
    withTenant(services.db, scopeOf(principal, opts.requestId), (tx) =>
      fn(contextOf(services, principal, tx, opts.requestId, null, () => {})),
    )
  if (opts.dryRun) return inTransaction(async (ctx) => writeUnitsIn(ctx, units, await writerOf(ctx), true, progress))
  const rows: R[] = []
  for (let start = 0; start < units.length; start += opts.batchSize) {
    // A batch is a transaction of its own, so what was imported stays imported if a later batch fails.
    const batch = units.slice(start, start + opts.batchSize)
    rows.push(...(await inTransaction(async (ctx) => writeUnitsIn(ctx, batch, await writerOf(ctx), false))).rows)
    progress(Math.min(start + opts.batchSize, units.length), units.length)
  }
  return summaryOf(rows, false)
}

/** The counts of the rows' outcomes. */
export function summaryOf<R extends ImportedRow>(rows: R[], dryRun: boolean): ImportSummary<R> {
  const count = (o: ImportedRow['outcome']) => rows.filter((r) => r.outcome === o).length
  return { dry_run: dryRun, total: rows.length, created: count('created'), matched: count('matched'), refused: count('refused'), rows }
}
