import { FIRST_NAMES, LAST_NAMES } from './names.js'
import { TOWNS } from './places.js'
import { parseAmountCents } from '../vocabulary/money.js'
import { SQUARE_CUSTOMER_COLUMNS } from '../domains/imports/square-customers.js'
import { SQUARE_ITEM_COLUMNS } from '../domains/imports/square-items.js'
import { SQUARE_SALES_COLUMNS } from '../domains/imports/square-sales.js'

/** One row of a Square customer export: any of Square's columns, and custom fields by their column name. */
export type SquareRow = Partial<Record<(typeof SQUARE_CUSTOMER_COLUMNS)[number], string>> & Record<string, string>

/** A file as Square writes it: a byte-order mark, the header row, CRLF line ends, fields quoted where they must be. */
export function squareCsv(rows: SquareRow[], customColumns: string[] = []): string {
  return csvOf([...SQUARE_CUSTOMER_COLUMNS, ...customColumns], rows)
}

/** Rows under a header as Square writes a CSV file. */
function csvOf(header: readonly string[], rows: Array<Record<string, string>>): string {
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
  return `\uFEFF${[header, ...rows.map((r) => header.map((h) => r[h] ?? ''))].map((fields) => fields.map(quote).join(',')).join('\r\n')}\r\n`
}

/** Made-up but realistic customers of a window-cleaning business, the same for the same seed. */
export function squareCustomers(count: number, seed = 1): SquareRow[] {
  const next = randomOf(seed)
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST_NAMES[next(FIRST_NAMES.length)]
    const last = LAST_NAMES[next(LAST_NAMES.length)]
    const town = TOWNS[next(TOWNS.length)]
    const number = String(1000 + i).padStart(4, '0')
    return {
      'Reference ID': `REF-${i + 1}`,
      'First Name': first,
      'Last Name': last,
      'Email Address': `${first}.${last}.${i}@example.com`.toLowerCase(),
      'Phone Number': `+1256${String(5_550_000 + i).padStart(7, '0')}`,
      'Street Address 1': `${100 + next(9800)} ${town.streets[next(town.streets.length)]}`,
      City: town.city,
      State: town.state,
      'Postal Code': town.postalCodes[next(town.postalCodes.length)],
      Memo: i % 7 === 0 ? `Back gate, dog named ${['Biscuit', 'Daisy', 'Bear'][next(3)]}. Screens on the second floor stick.` : '',
      'Square Customer ID': `SQ${number}${seed}X${i.toString(36).toUpperCase()}`,
      'Creation Source': i % 3 ? 'Directory' : 'Appointments',
      'First Visit': `2021-0${1 + next(9)}-1${next(9)}`,
      'Last Visit': `2026-0${1 + next(9)}-2${next(9)}`,
      'Transaction Count': String(1 + next(30)),
      'Lifetime Spend': `$${(100 + next(5000)).toLocaleString('en-US')}.${String(next(100)).padStart(2, '0')}`,
      'Email Subscription Status': i % 5 ? 'subscribed' : 'unsubscribed',
    }
  })
}

/** A pseudo-random whole number below n, the same sequence for the same seed. */
function randomOf(seed: number): (n: number) => number {
  let state = seed
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    // The high bits: the low bits of this generator repeat with a short period (every other value is odd).
    return Math.floor((state / 2_147_483_648) * n)
  }
}

/** Where Square's item library export puts the sales tax of each item: a column per tax, Y or N. */
const TAX_COLUMN = 'Tax - Sales Tax (9%)'

/** One row of Square's item library export (an item variation). */
export type SquareItemRow = Partial<Record<(typeof SQUARE_ITEM_COLUMNS)[number], string>> & Record<string, string>

/** The item library as Square writes it (CSV), with a column per location's stock and per tax. */
export function squareItemsCsv(rows: SquareItemRow[]): string {
  return csvOf([...SQUARE_ITEM_COLUMNS, 'Current Quantity Main Office', TAX_COLUMN], rows)
}

/** A window-cleaning business's item library: services with variations, one with variable pricing, a product sold on site. */
export function squareItems(): SquareItemRow[] {
  const row = (token: string, item: string, variation: string, price: string, extra: Partial<SquareItemRow> = {}): SquareItemRow => ({
    Token: token,
    'Item Name': item,
    'Variation Name': variation,
    Category: 'Window Cleaning',
    'Item Type': 'Appointments Service',
    Price: price,
    Archived: 'N',
    Sellable: 'Y',
    Stockable: 'N',
    [TAX_COLUMN]: 'N',
    ...extra,
  })
  return [
    row('SQVAR-WIN-1S', 'Window Cleaning', 'One Story', '185.00', { Description: 'Inside and out, screens and sills wiped' }),
    row('SQVAR-WIN-2S', 'Window Cleaning', 'Two Story', '265.00', { Description: 'Inside and out, screens and sills wiped' }),
    row('SQVAR-GUT', 'Gutter Cleaning', 'Regular', '150.00'),
    row('SQVAR-SCR', 'Screen Repair', 'Regular', '35.00', { Category: 'Repairs' }),
    row('SQVAR-PW', 'Pressure Washing', 'Regular', '', { Description: 'Quoted on site' }),
    row('SQVAR-SQG', 'Squeegee Kit', 'Regular', '$24.99', {
      Category: 'Retail',
      'Item Type': 'Physical good',
      Stockable: 'Y',
      'Current Quantity Main Office': '12',
      [TAX_COLUMN]: 'Y',
    }),
  ]
}

/** One row of Square's item sales export (a line of a transaction). */
export type SquareSaleRow = Partial<Record<(typeof SQUARE_SALES_COLUMNS)[number], string>> & Record<string, string>

/** The item sales export as Square writes it (CSV). */
export function squareSalesCsv(rows: SquareSaleRow[]): string {
  return csvOf(SQUARE_SALES_COLUMNS, rows)
}

/**
 * Past visits of the given customers (from squareCustomers) paying for the given items (from squareItems): up to
 * visitsPerCustomer transactions each, in 2024 and 2025, of one or two lines, as Square's item sales export writes them.
 */
export function squareSales(customers: SquareRow[], items: SquareItemRow[], visitsPerCustomer = 3, seed = 1): SquareSaleRow[] {
  const next = randomOf(seed)
  const priced = items.filter((i) => i.Price)
  const rows: SquareSaleRow[] = []
  let n = 0
  for (const customer of customers) {
    const visits = 1 + next(visitsPerCustomer)
    for (let v = 0; v < visits; v++) {
      n += 1
      const date = `${2024 + next(2)}-${String(1 + next(12)).padStart(2, '0')}-${String(1 + next(28)).padStart(2, '0')}`
      const time = `${String(8 + next(9)).padStart(2, '0')}:${String(next(60)).padStart(2, '0')}:${String(next(60)).padStart(2, '0')}`
      const transaction = `SQTX${seed}N${n.toString(36).toUpperCase()}`
      const lines = 1 + next(2)
      for (let l = 0; l < lines; l++) {
        const item = priced[next(priced.length)]
        const qty = item['Item Type'] === 'Physical good' ? 1 + next(2) : 1
        const gross = (parseAmountCents(item.Price ?? '') ?? 0) * qty
        const discount = l === 0 && next(5) === 0 ? Math.round(gross / 10) : 0
        const tax = item[TAX_COLUMN] === 'Y' ? Math.round((gross - discount) * 0.09) : 0
        const money = (cents: number) => `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toFixed(2)}`
        rows.push({
          Date: date,
          Time: time,
          'Time Zone': 'Central Time (US & Canada)',
          Category: item.Category ?? '',
          Item: item['Item Name'] ?? '',
          Qty: `${qty}.0`,
          'Price Point Name': item['Variation Name'] ?? '',
          'Gross Sales': money(gross),
          Discounts: money(-discount),
          'Net Sales': money(gross - discount),
          Tax: money(tax),
          'Transaction ID': transaction,
          'Payment ID': `PAY${transaction}`,
          'Device Name': 'Office iPad',
          'Event Type': 'Payment',
          Location: 'Main Office',
          'Customer ID': customer['Square Customer ID'] ?? '',
          'Customer Name': [customer['First Name'], customer['Last Name']].filter(Boolean).join(' '),
          'Customer Reference ID': customer['Reference ID'] ?? '',
          Unit: '',
          Count: String(qty),
          'Itemization Type': item['Item Type'] === 'Physical good' ? 'Physical Item' : 'Service',
          Token: item.Token ?? '',
          Channel: 'Square Point of Sale',
        })
      }
    }
  }
  return rows
}
