import { AppError } from '../../kernel/errors.js'
import { redactSensitive } from '../../kernel/redact.js'
import { parseInput } from '../../kernel/validation.js'
import { createService } from '../services/actions.js'
import { parseAmountCents } from '../../vocabulary/money.js'
import { readCsvRows } from './csv-rows.js'

/** The columns of Square's item library export (CSV), as Square writes the header row; locations and taxes add columns of their own. */
export const SQUARE_ITEM_COLUMNS = [
  'Token',
  'Item Name',
  'Variation Name',
  'SKU',
  'Description',
  'Category',
  'GTIN',
  'Square Online Item Visibility',
  'Item Type',
  'Weight (lb)',
  'Price',
  'Online Sale Price',
  'Archived',
  'Sellable',
  'Stockable',
  'Skip Detail Screen in POS',
  'Option Name 1',
  'Option Value 1',
  'Default Unit Cost',
  'Default Vendor Name',
  'Default Vendor Code',
] as const

/** A row of the item library as the import will write it: a service, keyed by the variation's token. */
export interface ItemCandidate {
  token: string | null
  service: ReturnType<typeof createService.input.parse>
  warnings: string[]
}

/** A data row of the item library with its line, and either the service to write or why it is refused. */
export type PlannedItem = { line: number; name: string } & ({ candidate: ItemCandidate } | { refused: string })

/** The service name of an item variation: the item's name, and the variation's unless it is Square's default "Regular". */
export function serviceNameOf(item: string, variation: string): string {
  return variation && !/^regular$/i.test(variation) && variation !== item ? `${item} (${variation})` : item
}

/** Reads Square's item library export: one item variation a row, each a service of the business. */
export function planSquareItems(text: string): PlannedItem[] {
  const { header, rows } = readCsvRows(text, 'item library export', ['Item Name', 'Variation Name', 'Price'])
  const taxColumns = header.filter((h) => /^Tax - /.test(h))
  return rows.map(({ line, fields: f, malformed }) => {
    const name = serviceNameOf(f['Item Name'], f['Variation Name'])
    if (malformed) return { line, name, refused: malformed }
    if (!f['Item Name']) return { line, name, refused: 'has no Item Name' }
    if (/^(y|yes|true)$/i.test(f.Archived ?? '')) return { line, name, refused: 'is archived in Square; archived items are not imported' }
    const price = f.Price
    const variable = !price || /^variable$/i.test(price)
    const cents = variable ? null : parseAmountCents(price)
    if (!variable && (cents === null || cents < 0)) return { line, name, refused: `Price "${price}" is not an amount such as 45.00` }
    const warnings: string[] = []
    if (f.Category) warnings.push(`category "${f.Category}" not kept: services have no categories`)
    try {
      const service = parseInput(
        createService.input,
        {
          name,
          // Card numbers and SSNs are redacted here as in every free text: a file read by the command line is no call to redact.
          ...(f.Description ? { description: redactSensitive(f.Description).text } : {}),
          pricing: variable ? 'flexible' : /physical|good/i.test(f['Item Type'] ?? '') ? 'product' : 'fixed',
          price_cents: cents,
          ...(taxColumns.length ? { taxable: taxColumns.some((c) => /^(y|yes|true)$/i.test(f[c])) } : {}),
        },
        'data',
      )
      return { line, name, candidate: { token: f.Token || null, service, warnings } }
    } catch (err) {
      if (err instanceof AppError) return { line, name, refused: inColumns(err.message) }
      throw err
    }
  })
}

/** The fields of service.create named by the columns they come from. */
function inColumns(message: string): string {
  return message
    .replace(/data\.name/g, 'Item Name (with Variation Name)')
    .replace(/data\.description/g, 'Description')
    .replace(/data\.price_cents/g, 'Price')
}
