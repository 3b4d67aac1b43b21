import { z } from 'zod'
import { defineAction } from '../../kernel/registry.js'
import { MAPPED_FIELDS } from './csv-mapping.js'
import { planMappedCustomers } from './csv-customers.js'
import { importMappedIn } from './import-mapped.js'
import { importRowsIn } from './run-import.js'
import { planSquareCustomers } from './square-customers.js'
import { planSquareItems } from './square-items.js'
import { planSquareSales } from './square-sales.js'
import { writeUnitsIn } from './write-in-chunks.js'
import { analyzedAfter } from './analyzed-after.js'
import { serviceWriter } from './write-services.js'
import { visitWriter } from './write-visits.js'
import { dryRunInput, IMPORT_REPORT, importCsvInput, MAPPED_IMPORT_REPORT, SQUARE_FILE_INPUT, squareFileBulk } from './model.js'
import { BY_AGENT_OR_API, page } from '../../vocabulary/places.js'
import { heldInCustomers, heldInItems, heldInSales } from './held-rows.js'

/** Brings in Square's customer directory export: a dry run by default, then the real run; the same file twice creates nothing new. */
export const importSquareCustomers = defineAction({
  key: 'import.square_customers',
  phrases: [
    'bring customers over from Square',
    'import the Square customer list',
    'square',
    'import customers',
    'move in',
    'migrate',
    'csv',
  ],
  title: 'Import customers from Square',
  place: page('/import', 'choose the Square customer export'),
  description:
    "Import Square's customer directory export (the CSV text, header row as Square writes it). dry_run (default true) " +
    'reports row by row what would be created, matched (by Square Customer ID, email or phone) and refused (with the line ' +
    'number and reason) and writes nothing; dry_run false imports. Matched customers only get what they lack. Memo becomes a ' +
    "note, Birthday, Nickname, custom fields and Square's visit and spend figures become attributes (source import). Running " +
    "the same file again creates nothing new. A bulk action: an agent's real run of more than 5 rows waits for the owner's approval; " +
    'a dry run never does.',
  access: {
    agent: 'unrestricted',
    technician: 'none',
    bulk: squareFileBulk(planSquareCustomers),
    ownerSees: async (ctx, input) => (input.dry_run ? null : heldInCustomers(ctx, planSquareCustomers(input.csv))),
  },
  input: SQUARE_FILE_INPUT,
  output: IMPORT_REPORT,
  async run(ctx, input) {
    return analyzedAfter(ctx, importRowsIn(ctx, planSquareCustomers(input.csv), input.dry_run))
  },
})

/** Brings in customers from any CSV (a spreadsheet, another system's export) through a column mapping: a dry run by default, then the real run. */
export const importCsvCustomers = defineAction({
  key: 'import.csv_customers',
  title: 'Import customers from a CSV file',
  place: page('/import', 'choose the CSV file'),
  description:
    "Import customers from any CSV file (a spreadsheet, another CRM's export). mapping: {column header: field}, field one of " +
    `${MAPPED_FIELDS.join(', ')} or attribute:<key>; without mapping one is proposed from well-known header names and shown in the ` +
    'report (check it in the dry run). source names where the file comes from (e.g. hubspot): external_id values are kept under it, so ' +
    'a later file from the same source matches them. dry_run (default true) reports row by row what would be created, matched (by ' +
    'external id, email or phone) and refused (with the line number and reason) and writes nothing; dry_run false imports. Matched ' +
    "customers only get what they lack (and the row's tags). Running the same file again creates nothing new. A bulk action: an agent's " +
    "real run of more than 5 rows waits for the owner's approval; a dry run never does.",
  access: {
    agent: 'unrestricted',
    technician: 'none',
    bulk: (input) => (input.dry_run ? 1 : planMappedCustomers(input.csv, input.mapping, input.source).rows.length),
    ownerSees: async (ctx, input) =>
      input.dry_run ? null : heldInCustomers(ctx, planMappedCustomers(input.csv, input.mapping, input.source).rows),
  },
  phrases: ['import', 'csv', 'spreadsheet', 'hubspot', 'other crm', 'column mapping', 'move in'],
  input: z.strictObject({
    csv: importCsvInput.describe('The whole CSV file as text, header row first'),
    mapping: z
      .record(z.string().min(1).max(200), z.string().max(100))
      .optional()
      .describe('Column header -> field, e.g. {"E-mail": "email", "Gate": "attribute:gate_code"}; omitted: proposed from the headers'),
    source: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'expected lower case letters, digits and _, e.g. hubspot')
      .default('csv')
      .describe('Where the file comes from, e.g. hubspot or spreadsheet: the namespace of its external ids'),
    dry_run: dryRunInput,
  }),
  output: MAPPED_IMPORT_REPORT,
  async run(ctx, input) {
    return analyzedAfter(ctx, importMappedIn(ctx, planMappedCustomers(input.csv, input.mapping, input.source), input.source, input.dry_run))
  },
})

/** Brings in Square's item library export as services: a dry run by default; the same file twice creates nothing new. */
export const importSquareItems = defineAction({
  key: 'import.square_items',
  title: 'Import services from Square',
  place: BY_AGENT_OR_API,
  description:
    "Import Square's item library export (the CSV text, header row as Square writes it: Token, Item Name, Variation Name, " +
    'SKU, Description, Category, Price, ...) as services. Each item variation is a service named "Item (Variation)", or just ' +
    '"Item" for Square\'s default variation "Regular"; Price in dollars becomes price_cents (empty or "variable": flexible ' +
    'pricing); Tax columns set taxable. dry_run (default true) reports row by row what would be created, matched (by the ' +
    "variation's Token, or an active service of the same name) and refused (with the line number and reason) and writes " +
    'nothing; dry_run false imports. Matched services are never changed. Running the same file again creates nothing new. ' +
    "A bulk action: an agent's real run of more than 5 rows waits for the owner's approval; a dry run never does.",
  access: {
    agent: 'unrestricted',
    technician: 'none',
    bulk: squareFileBulk(planSquareItems),
    ownerSees: async (ctx, input) => (input.dry_run ? null : heldInItems(ctx, planSquareItems(input.csv))),
  },
  phrases: ['square', 'import services', 'item library', 'price list', 'catalog', 'csv'],
  input: SQUARE_FILE_INPUT,
  output: IMPORT_REPORT,
  async run(ctx, input) {
    return analyzedAfter(ctx, writeUnitsIn(ctx, planSquareItems(input.csv), serviceWriter, input.dry_run))
  },
})

/** Brings in Square's item sales export as past visits: closed tickets with their lines, amounts and dates. */
export const importSquareSales = defineAction({
  key: 'import.square_sales',
  title: 'Import past visits from Square',
  place: BY_AGENT_OR_API,
  description:
    "Import Square's item sales export (Items detail CSV: Date, Time, Time Zone, Item, Qty, Price Point Name, Net Sales, " +
    'Tax, Transaction ID, Customer ID, ...) as past visits. The rows of one Transaction ID become one completed ticket of the ' +
    'customer with that Square Customer ID (import the customer export first), dated when it was paid, with a line a row ' +
    '(the Net Sales amount; linked to the service imported from the item library by Token, or of the same name). Refunds and ' +
    'rows of unknown customers are refused; a transaction with a bad row is refused whole. dry_run (default true) reports row ' +
    'by row what would be created, matched (a transaction imported before) and refused (with the line number and reason) and ' +
    "writes nothing; dry_run false imports. Running the same file again creates nothing new. A bulk action: an agent's real " +
    "run of more than 5 transactions waits for the owner's approval; a dry run never does.",
  access: {
    agent: 'unrestricted',
    technician: 'none',
    bulk: squareFileBulk(planSquareSales),
    ownerSees: async (ctx, input) => (input.dry_run ? null : heldInSales(ctx, planSquareSales(input.csv))),
  },
  phrases: ['square', 'import history', 'past visits', 'transactions', 'item sales', 'csv'],
  input: SQUARE_FILE_INPUT,
  output: IMPORT_REPORT,
  async run(ctx, input) {
    return analyzedAfter(ctx, writeUnitsIn(ctx, planSquareSales(input.csv), await visitWriter(ctx), input.dry_run))
  },
})
