import { idempotencyKeysPersonalData } from '../kernel/idempotency-personal-data.js'
import type { ExportView, PersonalTable } from '../personal-data/declare.js'
import { PERSONAL_DATA_FILES } from './personal-data-files.js'

/** Whether an export declares a table's personal data. */
function isPersonalTable(value: unknown): value is PersonalTable {
  const v = value as Partial<PersonalTable> | null
  return typeof v === 'object' && v !== null && typeof v.table === 'string' && typeof v.columns === 'object' && 'reach' in v
}

/** Whether an export is a part of the export read by a domain's own statement. */
function isExportView(value: unknown): value is ExportView {
  const v = value as Partial<ExportView> | null
  return typeof v === 'object' && v !== null && typeof v.part === 'string' && typeof v.rows === 'function'
}

/**
 * Every declaration in the domains' personal-data files (the generated index personal-data-files.ts): a file named
 * personal-data or ending in -personal-data, at any depth of a domain folder, exports its tables' declarations (and any
 * export view). A file exporting neither stops start-up: a declaration is never silently left out.
 */
function declaredInFiles(): unknown[] {
  const found: unknown[] = []
  for (const [file, module] of Object.entries(PERSONAL_DATA_FILES)) {
    const exports = Object.values(module as Record<string, unknown>)
    if (!exports.some((e) => isPersonalTable(e) || isExportView(e))) throw new Error(`${file} declares no personal data`)
    found.push(...exports)
  }
  return found
}

const DECLARED = [idempotencyKeysPersonalData, ...declaredInFiles()]

/**
 * What every table holds about a customer, as its domain declares it, in the order the export shows the parts: each
 * declaration's place (then its table's name). Erasure walks the same declarations (core/personal-data/), each table
 * after those it reaches the customer through and otherwise in this order, and deletes rows in the reverse order; so a
 * table declared in any domain's personal-data file is erased and exported with no other change; test/core/personal-data/
 * fails for a table that reaches a customer and is missing.
 */
export const PERSONAL_DATA: readonly PersonalTable[] = DECLARED.filter(isPersonalTable).sort(
  (a, b) => a.place - b.place || a.table.localeCompare(b.table),
)

/** The export's parts that a domain reads with its own statement, after the tables' parts, in the order of their names. */
export const EXPORT_VIEWS: readonly ExportView[] = DECLARED.filter(isExportView).sort((a, b) => a.part.localeCompare(b.part))
