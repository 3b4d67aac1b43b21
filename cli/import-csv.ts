import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { parseMappingText } from '../core/domains/imports/csv-mapping.js'
import { planMappedCustomers } from '../core/domains/imports/csv-customers.js'
import { importMappedInBatches, type MappedImportReport } from '../core/domains/imports/import-mapped.js'
import { parseCommandArgs, parseOptions } from './command.js'
import { IMPORT_FLAGS, IMPORT_OPTIONS, importAsSystem, progressOnStderr, reportLines } from './import-run.js'

/** `crm import csv FILE`: customers from any CSV through a column mapping (proposed from the headers when --map is left out). */
export async function runImportCsv(argv: string[]): Promise<string> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { ...IMPORT_FLAGS, map: { type: 'string' }, source: { type: 'string' } },
    { positionals: ['FILE'] },
  )
  const opts = parseOptions(
    z.object({
      ...IMPORT_OPTIONS,
      source: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,39}$/, 'expected lower case letters, digits and _, e.g. hubspot')
        .default('csv'),
    }),
    { tenant: values.tenant, batch_size: values['batch-size'], source: values.source },
    { tenant: '--tenant', batch_size: '--batch-size', source: '--source' },
  )
  const mapping = typeof values.map === 'string' ? parseMappingText(values.map) : undefined
  const plan = planMappedCustomers(readFileSync(positionals[0], 'utf8'), mapping, opts.source, '--map')
  const dryRun = values['dry-run'] === true
  const started = Date.now()
  const report = await importAsSystem(opts.tenant, (services, principal, requestId) =>
    importMappedInBatches(services, principal, plan, {
      source: opts.source,
      dryRun,
      batchSize: opts.batch_size,
      requestId,
      onProgress: progressOnStderr(dryRun),
    }),
  )
  if (values.json) return JSON.stringify(report)
  return describe(report, positionals[0], (Date.now() - started) / 1000)
}

/** The report as a person reads it: the mapping, the totals, then each matched and refused row and each warning with its line. */
function describe(report: MappedImportReport, file: string, seconds: number): string {
  return [
    `Columns${report.mapping_proposed ? ' (mapping proposed from the headers; give --map to change it)' : ''}:`,
    ...Object.entries(report.mapping).map(([column, field]) => `  ${column} -> ${field}`),
    ...report.ignored_columns.map((column) => `  ${column} -> not imported`),
    ...reportLines(report, { file, noun: 'customers', matchedTo: 'existing customers', seconds }, (r) => r.outcome === 'matched'),
  ].join('\n')
}
