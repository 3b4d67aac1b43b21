import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext, Principal, Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { contextOf, scopeOf } from '../../kernel/operations-context.js'
import { tagContacts } from '../contacts/tag-actions.js'
import type { ColumnMapping } from './csv-mapping.js'
import type { MappedPlan } from './csv-customers.js'
import { importRowsIn, type ImportReport } from './run-import.js'
import { summaryOf } from './write-in-chunks.js'
import type { PlannedRow } from './square-customers.js'
import { knownCustomers, type KnownCustomers, type RowOutcome } from './write-customers.js'

/** The pause between two batches in which waiting requests are answered. */
const BREATHER_MS = 20

/** One row of a mapped import: matched by the source's external id, email or phone. */
export type MappedRowOutcome = Omit<RowOutcome, 'matched_by'> & { matched_by?: 'external_id' | 'email' | 'phone' }

/** What a mapped CSV import did (or would do): the mapping it used, the columns it left out, and every row's outcome. */
export interface MappedImportReport extends Omit<ImportReport, 'rows'> {
  source: string
  mapping: ColumnMapping
  mapping_proposed: boolean
  ignored_columns: string[]
  rows: MappedRowOutcome[]
}

/** Imports a planned file in the caller's transaction; a dry run writes nothing. */
export async function importMappedIn(
  ctx: OperationContext,
  plan: MappedPlan,
  source: string,
  dryRun: boolean,
): Promise<MappedImportReport> {
  const known = await knownCustomers(ctx.db, source)
  const report = await importRowsIn(ctx, plan.rows, dryRun, () => {}, known)
  if (!dryRun) await tagMatched(ctx, plan.rows, report.rows)
  return reportOf(plan, source, report)
}

/** Imports in batches of a transaction each, reporting progress after each; a dry run is one transaction, rolled back. */
export async function importMappedInBatches(
  services: Services,
  principal: Principal,
  plan: MappedPlan,
  opts: BatchOptions,
): Promise<MappedImportReport> {
  if (opts.dryRun) {
    const report = await inTransaction(services, principal, opts.requestId, (ctx) => importMappedIn(ctx, plan, opts.source, true))
    opts.onProgress?.(report.total, report.total)
    return report
  }
  return reportOf(plan, opts.source, await plannedInBatches(services, principal, plan.rows, opts))
}

/** How a file is imported in batches: the source of its external ids, rows per batch, and who hears of the progress. */
export interface BatchOptions {
  source: string
  dryRun: boolean
  batchSize: number
  requestId: string
  /** Told after each batch; a promise is waited for before the next batch (a progress row written elsewhere). */
  onProgress?: (done: number, total: number) => unknown
}

/**
 * Writes planned rows (of any planner) in batches of a transaction each, so what was imported stays imported if a later batch fails.
 * A dry run goes in batches too, every one rolled back, so the database is never held for the whole file and progress can be
 * told between batches; what each batch would create is remembered for the next (known.planned), so a later row matching it
 * is reported matched, as the import would match it. Between batches the server gets a short breather: the embedded engine
 * runs in this process and, without it, would keep every request (the progress page too) waiting to the end.
 */
export async function plannedInBatches(
  services: Services,
  principal: Principal,
  rows: PlannedRow[],
  opts: BatchOptions,
): Promise<ImportReport> {
  const dryRun = opts.dryRun
  const known: KnownCustomers = await inTransaction(services, principal, opts.requestId, (ctx) => knownCustomers(ctx.db, opts.source))
  if (dryRun) known.planned = new Set()
  const outcomes: RowOutcome[] = []
  for (let start = 0; start < rows.length; start += opts.batchSize) {
    const batch = rows.slice(start, start + opts.batchSize)
    const done = await inTransaction(services, principal, opts.requestId, async (ctx) => {
      const report = await importRowsIn(ctx, batch, dryRun, () => {}, known)
      if (!dryRun) await tagMatched(ctx, batch, report.rows)
      return report
    })
    if (dryRun) for (const row of done.rows) if (row.outcome === 'created' && row.contact_id) known.planned?.add(row.contact_id)
    outcomes.push(...done.rows)
    await opts.onProgress?.(outcomes.length, rows.length)
    await new Promise((resolve) => setTimeout(resolve, BREATHER_MS))
  }
  return summaryOf(outcomes, dryRun)
}

function inTransaction<T>(
  services: Services,
  principal: Principal,
  requestId: string,
  fn: (ctx: OperationContext) => Promise<T>,
): Promise<T> {
  return withTenant(services.db, scopeOf(principal, requestId), (tx) => fn(contextOf(services, principal, tx, requestId, null, () => {})))
}

/** A customer found again keeps its tags and gains the row's (a created one got them when it was created). */
async function tagMatched(ctx: OperationContext, rows: PlannedRow[], outcomes: RowOutcome[]): Promise<void> {
  for (const [i, outcome] of outcomes.entries()) {
    const row = rows[i]
    const tags = 'candidate' in row ? row.candidate.contact.tags : undefined
    if (outcome.outcome !== 'matched' || !tags?.length || !outcome.contact_id) continue
    await callWithin(ctx, tagContacts, { contact_ids: [outcome.contact_id], tags_add: tags })
  }
}

/** A report of a mapped file's rows as mapped imports answer it: with its mapping and external ids named external_id. */
export function reportOf(plan: MappedPlan, source: string, report: ImportReport): MappedImportReport {
  return {
    ...report,
    source,
    mapping: plan.mapping,
    mapping_proposed: plan.proposed,
    ignored_columns: plan.ignored_columns,
    rows: report.rows.map(({ matched_by, ...row }) =>
      matched_by ? { ...row, matched_by: matched_by === 'square_customer_id' ? 'external_id' : matched_by } : row,
    ),
  }
}
