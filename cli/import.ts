import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { importInBatches, type ImportReport } from '../core/domains/imports/run-import.js'
import { planSquareCustomers } from '../core/domains/imports/square-customers.js'
import { planSquareItems } from '../core/domains/imports/square-items.js'
import { planSquareSales } from '../core/domains/imports/square-sales.js'
import { writeUnitsInBatches, type ImportedRow, type ImportSummary, type UnitWriter } from '../core/domains/imports/write-in-chunks.js'
import { serviceWriter } from '../core/domains/imports/write-services.js'
import { visitWriter } from '../core/domains/imports/write-visits.js'
import type { OperationContext } from '../core/context.js'
import { businessOf, TENANT_ARG, tenantOption } from './business.js'
import { parseCommandArgs, parseOptions, productServices, withDatabase, type Command } from './command.js'

/** The owner's import page, which works while the server holds the embedded data folder. */
export const IMPORT_PAGE = { path: '/import', does: 'import the file' }

/** `crm import square-customers FILE`: a dry run first (--dry-run), then the import in batches with progress on stderr. */
export const importSquareCustomersCommand: Command = {
  name: 'import square-customers',
  args: `FILE ${TENANT_ARG} [--dry-run] [--batch-size N] [--json]`,
  summary: "Import Square's customer directory export (CSV); --dry-run says row by row what would be created, matched and refused",
  page: IMPORT_PAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { tenant: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'batch-size': { type: 'string' }, json: { type: 'boolean' } },
      { positionals: ['FILE'] },
    )
    const opts = parseOptions(
      z.object({ tenant: tenantOption, batch_size: z.coerce.number().int().min(1).max(10_000).default(500) }),
      { tenant: values.tenant, batch_size: values['batch-size'] },
      { tenant: '--tenant', batch_size: '--batch-size' },
    )
    const rows = planSquareCustomers(readFileSync(positionals[0], 'utf8'))
    const dryRun = values['dry-run'] === true
    const started = Date.now()
    const report = await withDatabase('import', async (db) => {
      const business = await businessOf(db, opts.tenant)
      return importInBatches(await productServices(db), { tenantId: business.id, actor: { type: 'system', id: null } }, rows, {
        dryRun,
        batchSize: opts.batch_size,
        requestId: randomUUID(),
        onProgress: (done, total) => process.stderr.write(`${dryRun ? 'checked' : 'imported'} ${done} of ${total} rows\n`),
      })
    })
    if (values.json) return JSON.stringify(report)
    return describe(report, positionals[0], (Date.now() - started) / 1000)
  },
}

/** The report as a person reads it: the totals, then each refused row and each warning with its line. */
function describe(report: ImportReport, file: string, seconds: number): string {
  const verb = report.dry_run ? 'would be' : 'were'
  const lines = [
    `${file}: ${report.total} customers; ${report.created} ${verb} created, ${report.matched} ${verb} matched to existing ` +
      `customers, ${report.refused} ${verb} refused (${seconds.toFixed(1)} s)${report.dry_run ? '. Nothing was written: run again without --dry-run to import.' : ''}`,
  ]
  for (const r of report.rows) {
    if (r.outcome === 'refused') lines.push(`  line ${r.line} refused: ${r.name ? `${r.name}: ` : ''}${r.reason}`)
    else if (r.outcome === 'matched') lines.push(`  line ${r.line} ${r.name}: matched by ${r.matched_by?.replace(/_/g, ' ')}`)
    for (const w of r.warnings ?? []) lines.push(`  line ${r.line} ${r.name}: ${w}`)
  }
  return lines.join('\n')
}

/** `crm import square-items FILE`: Square's item library export as services, with a dry run, progress and a summary. */
export const importSquareItemsCommand = unitImportCommand(
  'square-items',
  'item library export (CSV) as services',
  'services',
  planSquareItems,
  async () => serviceWriter,
)

/** `crm import square-sales FILE`: Square's item sales export as past visits (closed tickets), after the customers and items. */
export const importSquareSalesCommand = unitImportCommand(
  'square-sales',
  'item sales export (CSV) as past visits, one closed ticket per transaction; import the customers first',
  'sale rows',
  planSquareSales,
  visitWriter,
)

/** An import command over a planner and a writer of its units (item rows, or the rows of a sale), in batches of their own transaction. */
function unitImportCommand<U, R extends ImportedRow>(
  kind: string,
  what: string,
  noun: string,
  plan: (text: string) => U[],
  writerOf: (ctx: OperationContext) => Promise<UnitWriter<U, R>>,
): Command {
  return {
    name: `import ${kind}`,
    args: `FILE ${TENANT_ARG} [--dry-run] [--batch-size N] [--json]`,
    summary: `Import Square's ${what}; --dry-run says row by row what would be created, matched and refused`,
    page: IMPORT_PAGE,
    async run(argv) {
      const { values, positionals } = parseCommandArgs(
        argv,
        { tenant: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'batch-size': { type: 'string' }, json: { type: 'boolean' } },
        { positionals: ['FILE'] },
      )
      const opts = parseOptions(
        z.object({ tenant: tenantOption, batch_size: z.coerce.number().int().min(1).max(10_000).default(500) }),
        { tenant: values.tenant, batch_size: values['batch-size'] },
        { tenant: '--tenant', batch_size: '--batch-size' },
      )
      const units = plan(readFileSync(positionals[0], 'utf8'))
      const dryRun = values['dry-run'] === true
      const started = Date.now()
      const report = await withDatabase('import', async (db) => {
        const business = await businessOf(db, opts.tenant)
        return writeUnitsInBatches(
          await productServices(db),
          { tenantId: business.id, actor: { type: 'system', id: null } },
          units,
          writerOf,
          {
            dryRun,
            batchSize: opts.batch_size,
            requestId: randomUUID(),
            onProgress: (done, total) =>
              process.stderr.write(
                `${dryRun ? 'checked' : 'imported'} ${done} of ${total} ${kind === 'square-sales' ? 'transactions' : 'rows'}\n`,
              ),
          },
        )
      })
      if (values.json) return JSON.stringify(report)
      return describeRows(report, positionals[0], noun, (Date.now() - started) / 1000)
    },
  }
}

/** The report as a person reads it: the totals, then each refused row, each match and each warning with its line. */
function describeRows(report: ImportSummary<ImportedRow & { matched_by?: string }>, file: string, noun: string, seconds: number): string {
  const verb = report.dry_run ? 'would be' : 'were'
  const lines = [
    `${file}: ${report.total} ${noun}; ${report.created} ${verb} created, ${report.matched} ${verb} matched to what is already here, ` +
      `${report.refused} ${verb} refused (${seconds.toFixed(1)} s)${report.dry_run ? '. Nothing was written: run again without --dry-run to import.' : ''}`,
  ]
  for (const r of report.rows) {
    if (r.outcome === 'refused') lines.push(`  line ${r.line} refused: ${r.name ? `${r.name}: ` : ''}${r.reason}`)
    else if (r.matched_by) lines.push(`  line ${r.line} ${r.name}: matched by ${r.matched_by.replace(/_/g, ' ')}`)
    for (const w of r.warnings ?? []) lines.push(`  line ${r.line} ${r.name}: ${w}`)
  }
  return lines.join('\n')
}
