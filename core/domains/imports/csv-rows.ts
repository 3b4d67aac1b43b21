import { parse } from 'csv-parse/sync'
import { validationError } from '../../kernel/errors.js'

/** One data row of an export: its fields by column name and the line of the file it starts on. */
export interface CsvRow {
  line: number
  fields: Record<string, string>
  /** Why the row cannot be read as the header says (more fields than columns); null when it can. */
  malformed: string | null
}

/**
 * The non-blank records of a CSV file (byte-order mark, CRLF, quoted fields, blank lines), each with the line it starts on;
 * VALIDATION_ERROR on field file when it is not CSV, or says emptyMessage when it holds no record.
 */
export function readCsvRecords(text: string, emptyMessage: string): Array<{ record: string[]; line: number }> {
  let records: Array<{ record: string[]; info: { lines: number } }>
  try {
    records = parse(text, { bom: true, relax_column_count: true, info: true, trim: true }) as unknown as typeof records
  } catch (err) {
    throw validationError([{ field: 'file', message: `is not a readable CSV file: ${err instanceof Error ? err.message : String(err)}` }])
  }
  // Blank lines are kept by the parser so that each row's first line is the line after the previous row's last one.
  const rows = records
    .map((r, i) => ({ record: r.record, line: i ? records[i - 1].info.lines + 1 : 1 }))
    .filter((r) => r.record.some((v) => v !== ''))
  if (!rows.length) throw validationError([{ field: 'file', message: emptyMessage }])
  return rows
}

/**
 * Reads an export as Square writes it (byte-order mark, CRLF, quoted fields, blank lines): the header row, checked for
 * the columns the import needs, then each data row with its line number.
 */
export function readCsvRows(text: string, what: string, required: string[]): { header: string[]; rows: CsvRow[] } {
  const all = readCsvRecords(text, `is empty: expected Square's ${what} with its header row`)
  const header = all[0].record
  const missing = required.filter((c) => !header.includes(c))
  if (missing.length)
    throw validationError([{ field: 'file', message: `is not Square's ${what}: the header row lacks ${missing.join(', ')}` }])
  return {
    header,
    rows: all.slice(1).map(({ record, line }) => ({
      line,
      fields: Object.fromEntries(header.map((h, i) => [h, (record[i] ?? '').trim()])),
      malformed:
        record.length > header.length && record.slice(header.length).some((v) => v.trim())
          ? `has ${record.length} fields, the header ${header.length}`
          : null,
    })),
  }
}
