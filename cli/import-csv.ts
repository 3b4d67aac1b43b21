import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { parseMappingText } from '../core/domains/imports/csv-mapping.js'
import { planMappedCustomers } from '../core/domains/imports/csv-customers.js'
import { importMappedInBatches, type MappedImportReport } from '../core/domains/imports/import-mapped.js'
import { businessOf, TENANT_ARG, tenantOption } from './business.js'
import { parseCommandArgs, parseOptions, productServices, withDatabase, type Command } from './command.js'
import { IMPORT_PAGE } from './import.js'

/** `crm import csv FILE`: customers from any CSV through a column mapping (proposed from the headers when --map is left out). */
export const importCsvCommand: Command = {
  name: 'import csv',
  args: `FILE ${TENANT_ARG} [--map "Header=field,..."] [--source NAME] [--dry-run] [--batch-size N] [--json]`,
  summary:
    'Import customers from any CSV with a column mapping (fields: first_name, last_name, name, email, phone, company, address_line1, ' +
    'address_line2, city, state, postal_code, notes, tags, external_id, attribute:<key>); --dry-run shows the mapping and says row by row ' +
    'what would be created, matched and refused',
  page: IMPORT_PAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        tenant: { type: 'string' },
        map: { type: 'string' },
        source: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'batch-size': { type: 'string' },
        json: { type: 'boolean' },
      },
      { positionals: ['FILE'] },
    )
    const opts = parseOptions(
      z.object({
        tenant: tenantOption,
        batch_size: z.coerce.number().int().min(1).max(10_000).default(500),
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
    const report = await withDatabase('import', async (db) => {
      const business = await businessOf(db, opts.tenant)
      return importMappedInBatches(await productServices(db), { tenantId: business.id, actor: { type: 'system', id: null } }, plan, {
        source: opts.source,
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

/** The report as a person reads it: the mapping, the totals, then each matched and refused row and each warning with its line. */
function describe(report: MappedImportReport, file: string, seconds: number): string {
  const verb = report.dry_run ? 'would be' : 'were'
  const lines = [
    `Columns${report.mapping_proposed ? ' (mapping proposed from the headers; give --map to change it)' : ''}:`,
    ...Object.entries(report.mapping).map(([column, field]) => `  ${column} -> ${field}`),
    ...report.ignored_columns.map((column) => `  ${column} -> not imported`),
    `${file}: ${report.total} customers; ${report.created} ${verb} created, ${report.matched} ${verb} matched to existing customers, ` +
      `${report.refused} ${verb} refused (${seconds.toFixed(1)} s)${report.dry_run ? '. Nothing was written: run again without --dry-run to import.' : ''}`,
  ]
  for (const r of report.rows) {
    if (r.outcome === 'refused') lines.push(`  line ${r.line} refused: ${r.name ? `${r.name}: ` : ''}${r.reason}`)
    else if (r.outcome === 'matched') lines.push(`  line ${r.line} ${r.name}: matched by ${r.matched_by?.replace(/_/g, ' ')}`)
    for (const w of r.warnings ?? []) lines.push(`  line ${r.line} ${r.name}: ${w}`)
  }
  return lines.join('\n')
}
