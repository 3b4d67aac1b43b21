import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Principal, Services } from '../core/kernel/context.js'
import { businessOf, tenantOption } from './business.js'
import { parseCommandArgs, parseOptions, productServices, withDatabase, type OptionSpec } from './command.js'
import type { ImportedRow, ImportSummary } from '../core/domains/imports/write-in-chunks.js'

/** The flags every import command takes: --tenant, --dry-run, --batch-size and --json. */
export const IMPORT_FLAGS: OptionSpec = {
  tenant: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
}

/** The checks of --tenant and --batch-size, as parseOptions takes them. */
export const IMPORT_OPTIONS = {
  tenant: tenantOption,
  batch_size: z.coerce.number().int().min(1).max(10_000).default(500),
}

/** An import command's FILE and its --tenant, --batch-size, --dry-run and --json, checked. */
export function readImportArgs(argv: string[]) {
  const { values, positionals } = parseCommandArgs(argv, IMPORT_FLAGS, { positionals: ['FILE'] })
  const opts = parseOptions(
    z.object(IMPORT_OPTIONS),
    { tenant: values.tenant, batch_size: values['batch-size'] },
    { tenant: '--tenant', batch_size: '--batch-size' },
  )
  return {
    file: positionals[0],
    tenant: opts.tenant,
    batchSize: opts.batch_size,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
  }
}

/** Runs an import as the system in the business --tenant names, with a request id of its own. */
export async function importAsSystem<T>(
  tenant: string | undefined,
  run: (services: Services, principal: Principal, requestId: string) => Promise<T>,
): Promise<T> {
  return withDatabase('import', async (db) => {
    const business = await businessOf(db, tenant)
    return run(await productServices(db), { tenantId: business.id, actor: { type: 'system', id: null } }, randomUUID())
  })
}

/** Progress on stderr: how many units (rows, transactions) were checked in a dry run, or imported. */
export function progressOnStderr(dryRun: boolean, units = 'rows'): (done: number, total: number) => void {
  return (done, total) => process.stderr.write(`${dryRun ? 'checked' : 'imported'} ${done} of ${total} ${units}\n`)
}

/**
 * The report as a person reads it: the totals (`noun` the units counted, `matchedTo` what rows matched), then a line for
 * each refused row, each row `isMatch` says was matched, and each warning.
 */
export function reportLines<R extends ImportedRow & { matched_by?: string }>(
  report: ImportSummary<R>,
  at: { file: string; noun: string; matchedTo: string; seconds: number },
  isMatch: (row: R) => boolean,
): string[] {
  const verb = report.dry_run ? 'would be' : 'were'
  const lines = [
    `${at.file}: ${report.total} ${at.noun}; ${report.created} ${verb} created, ${report.matched} ${verb} matched to ${at.matchedTo}, ` +
      `${report.refused} ${verb} refused (${at.seconds.toFixed(1)} s)${report.dry_run ? '. Nothing was written: run again without --dry-run to import.' : ''}`,
  ]
  for (const r of report.rows) {
    if (r.outcome === 'refused') lines.push(`  line ${r.line} refused: ${r.name ? `${r.name}: ` : ''}${r.reason}`)
    else if (isMatch(r)) lines.push(`  line ${r.line} ${r.name}: matched by ${r.matched_by?.replace(/_/g, ' ')}`)
    for (const w of r.warnings ?? []) lines.push(`  line ${r.line} ${r.name}: ${w}`)
  }
  return lines
}
