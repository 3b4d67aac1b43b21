import { z } from 'zod'

/** The largest file one import takes (characters of CSV text): the actions' limit, the page's and the API's. */
export const IMPORT_FILE_MAX_CHARS = 5_000_000

/** An import's CSV file as its actions take it. */
export const importCsvInput = z.string().min(1).max(IMPORT_FILE_MAX_CHARS)

/** Whether an import only reports what it would do: it does unless told otherwise. */
export const dryRunInput = z.boolean().default(true).describe('true (default): only report; false: import')

/** The input of an import of one of Square's exports: the file, and whether to only report. */
export const SQUARE_FILE_INPUT = z.strictObject({
  csv: importCsvInput.describe('The whole CSV file as text'),
  dry_run: dryRunInput,
})

/** How many records a run of a Square export writes, for the bulk rule: each planned one, or one for a dry run (it writes nothing). */
export function squareFileBulk(plan: (csv: string) => unknown[]): (input: z.output<typeof SQUARE_FILE_INPUT>) => number {
  return (input) => (input.dry_run ? 1 : plan(input.csv).length)
}

/** What happened to one row of an import file, with its line number and the record it made or matched. */
export const IMPORT_ROW = z.object({
  line: z.number().int(),
  name: z.string(),
  outcome: z.enum(['created', 'matched', 'refused']),
  reason: z.string().optional(),
  warnings: z.array(z.string()).optional(),
  matched_by: z.enum(['square_customer_id', 'external_id', 'email', 'phone', 'square_token', 'name']).optional(),
  contact_id: z.uuid().optional(),
  service_id: z.uuid().optional(),
  transaction_id: z.string().optional(),
  ticket_id: z.uuid().optional(),
})

/** What an import did, or would do on a dry run: counts and every row's outcome. */
export const IMPORT_REPORT = z.object({
  dry_run: z.boolean(),
  total: z.number().int(),
  created: z.number().int(),
  matched: z.number().int(),
  refused: z.number().int(),
  rows: z.array(IMPORT_ROW),
})

/** A report of an import by a column mapping: also the mapping used, whether it was proposed, and the columns left out. */
export const MAPPED_IMPORT_REPORT = IMPORT_REPORT.extend({
  source: z.string(),
  mapping: z.record(z.string(), z.string()),
  mapping_proposed: z.boolean(),
  ignored_columns: z.array(z.string()),
})
