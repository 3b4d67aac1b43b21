import { lookupTable } from '../../kernel/lookup-table.js'
import { redactSensitive } from '../../kernel/redact.js'
import { fitsCents, MAX_CENTS } from '../../vocabulary/money.js'
import { parseAmountCents } from '../../vocabulary/money.js'
import { readCsvRows, type CsvRow } from './csv-rows.js'
import { serviceNameOf } from './square-items.js'

/** The columns of Square's item sales export (Items detail CSV), as Square writes the header row. */
export const SQUARE_SALES_COLUMNS = [
  'Date',
  'Time',
  'Time Zone',
  'Category',
  'Item',
  'Qty',
  'Price Point Name',
  'SKU',
  'Modifiers Applied',
  'Gross Sales',
  'Discounts',
  'Net Sales',
  'Tax',
  'Transaction ID',
  'Payment ID',
  'Device Name',
  'Notes',
  'Details',
  'Event Type',
  'Location',
  'Dining Option',
  'Customer ID',
  'Customer Name',
  'Customer Reference ID',
  'Unit',
  'Count',
  'GTIN',
  'Itemization Type',
  'Commission',
  'Employee',
  'Fulfillment Note',
  'Channel',
  'Token',
  'Card Brand',
  'PAN Suffix',
] as const

/** Square's names of US time zones (as in "Eastern Time (US & Canada)") and the zones they are. */
const SQUARE_TIME_ZONES: Readonly<Record<string, string>> = lookupTable({
  'Eastern Time (US & Canada)': 'America/New_York',
  'Central Time (US & Canada)': 'America/Chicago',
  'Mountain Time (US & Canada)': 'America/Denver',
  Arizona: 'America/Phoenix',
  'Pacific Time (US & Canada)': 'America/Los_Angeles',
  Alaska: 'America/Anchorage',
  Hawaii: 'Pacific/Honolulu',
  'Atlantic Time (Canada)': 'America/Halifax',
  Indiana: 'America/Indiana/Indianapolis',
})

/** One line of a past visit, as the ticket will hold it. */
export interface SaleLine {
  line: number
  description: string
  /** The service it is, by the item variation's token or its name. */
  token: string | null
  serviceName: string
  quantity: number
  unit_price_cents: number
  taxable: boolean
}

/** One Square transaction: a past visit of one customer, with its lines, date and time. */
export interface SaleCandidate {
  transactionId: string
  customerId: string
  date: string
  time: string
  /** The zone the date and time are in; null: Square's name was not known, the business's zone is used. */
  timeZone: string | null
  items: SaleLine[]
  notes: string | null
  warnings: string[]
}

/** The rows of one transaction (or one row that cannot be grouped), and either the visit to write or why it is refused. */
export type PlannedSale = { lines: number[]; name: string } & ({ candidate: SaleCandidate } | { refused: string })

/**
 * Reads Square's item sales export: one line of a sale a row, grouped by Transaction ID into past visits. A transaction
 * with one bad row is refused whole, naming the row, so no visit is imported with lines missing.
 */
export function planSquareSales(text: string): PlannedSale[] {
  const { rows } = readCsvRows(text, 'item sales export', ['Date', 'Time', 'Item', 'Qty', 'Net Sales', 'Transaction ID', 'Customer ID'])
  const byTransaction = new Map<string, CsvRow[]>()
  const planned: Array<PlannedSale | string> = []
  for (const row of rows) {
    const f = row.fields
    const event = f['Event Type'] ?? ''
    const name = f['Customer Name'] || f['Transaction ID'] || ''
    if (!f['Transaction ID']) planned.push({ lines: [row.line], name, refused: 'has no Transaction ID' })
    else if (event && !/^payment$/i.test(event)) {
      planned.push({ lines: [row.line], name, refused: `is a ${event}, not a payment: only payments are imported as visits` })
    } else {
      const id = f['Transaction ID']
      if (!byTransaction.has(id)) {
        byTransaction.set(id, [])
        planned.push(id)
      }
      byTransaction.get(id)?.push(row)
    }
  }
  return planned.map((p) => (typeof p === 'string' ? planSale(p, byTransaction.get(p) as CsvRow[]) : p))
}

function planSale(transactionId: string, rows: CsvRow[]): PlannedSale {
  const first = rows[0].fields
  const lines = rows.map((r) => r.line)
  const name = first['Customer Name'] || transactionId
  const refuse = (row: CsvRow, reason: string): PlannedSale => ({
    lines,
    name,
    refused: rows.length > 1 ? `line ${row.line} ${reason}; the transaction's ${rows.length} rows are refused together` : reason,
  })
  const items: SaleLine[] = []
  const notes: string[] = []
  for (const row of rows) {
    const f = row.fields
    if (row.malformed) return refuse(row, row.malformed)
    if (!f['Customer ID'])
      return refuse(row, "has no Customer ID: a visit is imported only for a customer, import Square's customers first")
    if (f['Customer ID'] !== first['Customer ID'])
      return refuse(row, `has Customer ID ${f['Customer ID']}, the transaction's first row ${first['Customer ID']}`)
    if (f.Date !== first.Date || f.Time !== first.Time) return refuse(row, `has a date and time other than the transaction's first row`)
    if (!f.Item) return refuse(row, 'has no Item')
    const qty = Number(f.Qty)
    if (!f.Qty || !Number.isFinite(qty) || qty <= 0) return refuse(row, `Qty "${f.Qty}" is not a positive number`)
    const net = parseAmountCents(f['Net Sales'])
    if (net === null) return refuse(row, `Net Sales "${f['Net Sales']}" is not an amount such as $45.00`)
    if (net < 0) return refuse(row, `Net Sales ${f['Net Sales']} is negative`)
    if (!fitsCents(net)) return refuse(row, `Net Sales ${f['Net Sales']} is more than ${MAX_CENTS} cents, the most one line may be`)
    const tax = f.Tax ? parseAmountCents(f.Tax) : 0
    if (tax === null) return refuse(row, `Tax "${f.Tax}" is not an amount such as $3.60`)
    // Lines hold whole quantities at a whole-cent unit price; anything else is kept as one line of the whole amount.
    const whole = Number.isInteger(qty) && net % qty === 0
    const serviceName = serviceNameOf(f.Item, f['Price Point Name'] ?? '')
    items.push({
      line: row.line,
      description: redactSensitive(whole ? serviceName : `${serviceName} × ${qty}`).text.slice(0, 500),
      token: f.Token || null,
      serviceName,
      quantity: whole ? qty : 1,
      unit_price_cents: whole ? net / qty : net,
      taxable: tax > 0,
    })
    if (f.Notes && !notes.includes(f.Notes)) notes.push(f.Notes)
  }
  const date = isoDate(first.Date)
  if (!date) return refuse(rows[0], `Date "${first.Date}" is not a date such as 2026-07-18`)
  const time = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(first.Time)
  if (!time || Number(time[1]) > 23 || Number(time[2]) > 59) return refuse(rows[0], `Time "${first.Time}" is not a time such as 14:05:00`)
  const zone = first['Time Zone']
    ? (SQUARE_TIME_ZONES[first['Time Zone']] ?? (isZoneName(first['Time Zone']) ? first['Time Zone'] : null))
    : null
  const warnings = first['Time Zone'] && !zone ? [`time zone "${first['Time Zone']}" not known: the business's time zone is used`] : []
  return {
    lines,
    name,
    candidate: {
      transactionId,
      customerId: first['Customer ID'],
      date,
      time: `${time[1].padStart(2, '0')}:${time[2]}`,
      timeZone: zone,
      items,
      notes: notes.length ? redactSensitive(notes.join('\n')).text.slice(0, 10_000) : null,
      warnings,
    },
  }
}

/** "2026-07-18" or "07/18/2026" as 2026-07-18; null when it is not a real date. */
function isoDate(value: string): string | null {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value)
  const iso = us ? `${us[3]}-${us[1].padStart(2, '0')}-${us[2].padStart(2, '0')}` : value
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null
  const d = new Date(`${iso}T00:00:00Z`)
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso
}

/** Whether the runtime knows the zone by this IANA name ("America/Chicago"). */
function isZoneName(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}
