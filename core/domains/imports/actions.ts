import { z } from 'zod'
import { defineAction } from '../../registry.js'
import { importRowsIn } from './run-import.js'
import { planSquareCustomers } from './square-customers.js'

/** Brings in Square's customer directory export: a dry run by default, then the real run; the same file twice creates nothing new. */
export const importSquareCustomers = defineAction({
  domain: 'import',
  name: 'square_customers',
  description: 'Import Square\'s customer directory export (the CSV text, header row as Square writes it). dry_run (default true) '
    + 'reports row by row what would be created, matched (by Square Customer ID, email or phone) and refused (with the line '
    + 'number and reason) and writes nothing; dry_run false imports. Matched customers only get what they lack. Memo becomes a '
    + 'note, Birthday, Nickname, custom fields and Square\'s visit and spend figures become attributes (source import). Running '
    + 'the same file again creates nothing new. A bulk action: an agent\'s real run of more than 5 rows waits for the owner\'s approval; '
    + 'a dry run never does.',
  // Each row of a real run is a customer written; a dry run writes nothing, so it counts as one.
  access: { agent: 'unrestricted', technician: 'none', bulk: (input) => (input.dry_run ? 1 : planSquareCustomers(input.csv).length) },
  keywords: ['square', 'import customers', 'move in', 'migrate', 'csv'],
  input: z.strictObject({
    csv: z.string().min(1).max(5_000_000).describe('The whole CSV file as text'),
    dry_run: z.boolean().default(true).describe('true (default): only report; false: import'),
  }),
  async run(ctx, input) {
    return importRowsIn(ctx, planSquareCustomers(input.csv), input.dry_run)
  },
})
