import { readFileSync } from 'node:fs'
import { importInBatches } from '../core/domains/imports/run-import.js'
import { planSquareCustomers } from '../core/domains/imports/square-customers.js'
import { planSquareItems } from '../core/domains/imports/square-items.js'
import { planSquareSales } from '../core/domains/imports/square-sales.js'
import { writeUnitsInBatches, type ImportedRow, type ImportSummary, type UnitWriter } from '../core/domains/imports/write-in-chunks.js'
import { serviceWriter } from '../core/domains/imports/write-services.js'
import { visitWriter } from '../core/domains/imports/write-visits.js'
import type { OperationContext } from '../core/kernel/context.js'
import { importAsSystem, progressOnStderr, readImportArgs, reportLines } from './import-run.js'

/** The owner's import page, which works while the server holds the embedded data folder. */

/** `crm import square-customers FILE`: a dry run first (--dry-run), then the import in batches with progress on stderr. */
export async function runImportSquareCustomers(argv: string[]): Promise<string> {
  const { file, tenant, batchSize, dryRun, json } = readImportArgs(argv)
  const rows = planSquareCustomers(readFileSync(file, 'utf8'))
  const started = Date.now()
  const report = await importAsSystem(tenant, (services, principal, requestId) =>
    importInBatches(services, principal, rows, { dryRun, batchSize, requestId, onProgress: progressOnStderr(dryRun) }),
  )
  if (json) return JSON.stringify(report)
  const at = { file, noun: 'customers', matchedTo: 'existing customers', seconds: (Date.now() - started) / 1000 }
  return reportLines(report, at, (r) => r.outcome === 'matched').join('\n')
}

/** `crm import square-items FILE`: Square's item library export as services, with a dry run, progress and a summary. */
export const runImportSquareItems = unitImport('square-items', 'services', planSquareItems, async () => serviceWriter)

/** `crm import square-sales FILE`: Square's item sales export as past visits (closed tickets), after the customers and items. */
export const runImportSquareSales = unitImport('square-sales', 'sale rows', planSquareSales, visitWriter)

/** An import command's run over a planner and a writer of its units (item rows, or the rows of a sale), in batches of their own transaction. */
function unitImport<U, R extends ImportedRow>(
  kind: string,
  noun: string,
  plan: (text: string) => U[],
  writerOf: (ctx: OperationContext) => Promise<UnitWriter<U, R>>,
): (argv: string[]) => Promise<string> {
  return async (argv) => {
    const { file, tenant, batchSize, dryRun, json } = readImportArgs(argv)
    const units = plan(readFileSync(file, 'utf8'))
    const started = Date.now()
    const counted = kind === 'square-sales' ? 'transactions' : 'rows'
    const report: ImportSummary<R & { matched_by?: string }> = await importAsSystem(tenant, (services, principal, requestId) =>
      writeUnitsInBatches(services, principal, units, writerOf, {
        dryRun,
        batchSize,
        requestId,
        onProgress: progressOnStderr(dryRun, counted),
      }),
    )
    if (json) return JSON.stringify(report)
    const at = { file, noun, matchedTo: 'what is already here', seconds: (Date.now() - started) / 1000 }
    return reportLines(report, at, (r) => Boolean(r.matched_by)).join('\n')
  }
}
