import type { OperationContext, Principal, Services } from '../../context.js'
import { withTenant } from '../../db/tenant.js'
import { contextOf, scopeOf } from '../../operations-context.js'
import { parseInput } from '../../validation.js'
import { tagContacts } from '../contacts/tag-actions.js'
import type { ColumnMapping } from './csv-mapping.js'
import type { MappedPlan } from './csv-customers.js'
import { importRowsIn, type ImportReport } from './run-import.js'
import type { PlannedRow } from './square-customers.js'
import { knownCustomers, type KnownCustomers, type RowOutcome } from './write-customers.js'

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
export async function importMappedIn(ctx: OperationContext, plan: MappedPlan, source: string, dryRun: boolean): Promise<MappedImportReport> {
  const known = await knownCustomers(ctx.db, source)
  const report = await importRowsIn(ctx, plan.rows, dryRun, () => {}, known)
  if (!dryRun) await tagMatched(ctx, plan.rows, report.rows)
  return reportOf(plan, source, report)
}

/** Imports in batches of a transaction each, reporting progress after each; a dry run is one transaction, rolled back. */
export async function importMappedInBatches(services: Services, principal: Principal, plan: MappedPlan, opts: { source: string; dryRun: boolean;
  batchSize: number; requestId: string; onProgress?: (done: number, total: number) => void }): Promise<MappedImportReport> {
  const progress = opts.onProgress ?? (() => {})
  const inTransaction = <T>(fn: (ctx: OperationContext) => Promise<T>) => withTenant(services.db, scopeOf(principal, opts.requestId),
    (tx) => fn(contextOf(services, principal, tx, opts.requestId, null, () => {})))
  if (opts.dryRun) {
    const report = await inTransaction((ctx) => importMappedIn(ctx, plan, opts.source, true))
    progress(report.total, report.total)
    return report
  }
  const known: KnownCustomers = await inTransaction((ctx) => knownCustomers(ctx.db, opts.source))
  const outcomes: RowOutcome[] = []
  for (let start = 0; start < plan.rows.length; start += opts.batchSize) {
    const rows = plan.rows.slice(start, start + opts.batchSize)
    // A batch is a transaction of its own, so what was imported stays imported if a later batch fails.
    const batch = await inTransaction(async (ctx) => {
      const written = await importRowsIn(ctx, rows, false, () => {}, known)
      await tagMatched(ctx, rows, written.rows)
      return written
    })
    outcomes.push(...batch.rows)
    progress(outcomes.length, plan.rows.length)
  }
  const count = (o: RowOutcome['outcome']) => outcomes.filter((r) => r.outcome === o).length
  return reportOf(plan, opts.source, { dry_run: false, total: outcomes.length, created: count('created'), matched: count('matched'),
    refused: count('refused'), rows: outcomes })
}

/** A customer found again keeps its tags and gains the row's (a created one got them when it was created). */
async function tagMatched(ctx: OperationContext, rows: PlannedRow[], outcomes: RowOutcome[]): Promise<void> {
  for (const [i, outcome] of outcomes.entries()) {
    const row = rows[i]
    const tags = 'candidate' in row ? row.candidate.contact.tags : undefined
    if (outcome.outcome !== 'matched' || !tags?.length || !outcome.contact_id) continue
    await tagContacts.run(ctx, parseInput(tagContacts.input, { contact_ids: [outcome.contact_id], tags_add: tags }, 'data'))
  }
}

function reportOf(plan: MappedPlan, source: string, report: ImportReport): MappedImportReport {
  return { ...report, source, mapping: plan.mapping, mapping_proposed: plan.proposed, ignored_columns: plan.ignored_columns,
    rows: report.rows.map(({ matched_by, ...row }) => (matched_by ? { ...row, matched_by: matched_by === 'square_customer_id' ? 'external_id' : matched_by } : row)) }
}
