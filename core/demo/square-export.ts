import { FIRST_NAMES, LAST_NAMES } from './names.js'
import { TOWNS } from './places.js'
import { SQUARE_CUSTOMER_COLUMNS } from '../domains/imports/square-customers.js'

/** One row of a Square customer export: any of Square's columns, and custom fields by their column name. */
export type SquareRow = Partial<Record<(typeof SQUARE_CUSTOMER_COLUMNS)[number], string>> & Record<string, string>

/** A file as Square writes it: a byte-order mark, the header row, CRLF line ends, fields quoted where they must be. */
export function squareCsv(rows: SquareRow[], customColumns: string[] = []): string {
  const header = [...SQUARE_CUSTOMER_COLUMNS, ...customColumns]
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
  return '\uFEFF' + [header, ...rows.map((r) => header.map((h) => r[h] ?? ''))].map((fields) => fields.map(quote).join(',')).join('\r\n') + '\r\n'
}

/** Made-up but realistic customers of a window-cleaning business, the same for the same seed. */
export function squareCustomers(count: number, seed = 1): SquareRow[] {
  let state = seed
  const next = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state % n
  }
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
