import { dayWords } from '../../text/date-words.js'
import { formatMoney } from '../../vocabulary/money.js'
import { taxRows } from '../../text/tax-words.js'
import type { CustomerInvoice } from './customer-invoice.js'
import { howWeTakeMoney } from '../settings/ways-to-pay.js'

/** US Letter in points, its margins, and the columns of the line table. */
const PAGE = { width: 612, height: 792 }
const MARGIN = 54
const RIGHT = PAGE.width - MARGIN
const DESCRIPTION_WIDTH = 330
const QUANTITY = { x: 390, width: 40 }
const PRICE = { x: RIGHT - 110, width: 110 }
/** Where a block no longer fits and goes to the next page: above the footer. */
const BOTTOM = PAGE.height - MARGIN - 24

/**
 * An invoice as a PDF for its customer, made with PDFKit: the business, the bill-to, each line, the totals with the
 * tax rate, what was paid, what is due, how to pay (the business's payment instructions), then the invoice's notes as
 * the business's note, every page numbered; dates as the emails write them. The standard Helvetica fonts are named, never embedded, so a
 * one-page invoice stays a few kilobytes.
 */
export async function invoicePdf(inv: CustomerInvoice, createdAt: Date): Promise<Buffer> {
  // PDFKit and its font tables take a tenth of a second to load: they load with the first invoice drawn, not at every start.
  const { default: PDFDocument } = await import('pdfkit')
  const doc = new PDFDocument({
    size: 'LETTER',
    pdfVersion: '1.4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: `Invoice ${inv.number} from ${inv.business.name}`, Producer: inv.business.name, CreationDate: createdAt },
  })
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const money = (cents: number) => formatMoney(cents, inv.currency)
  const text = (words: string, size: number, bold = false) =>
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(size)
      .text(words)
  /** Starts a new page when `height` more points would run into the footer. */
  const room = (height: number) => {
    if (doc.y + height > BOTTOM) doc.addPage()
  }
  /** A row of the table: words at the left (wrapped in their column), then the right-aligned cells, on one baseline. */
  const row = (left: string, cells: Array<[string, { x: number; width: number }]>, size: number, bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size)
    const height = Math.max(doc.currentLineHeight(true), left ? doc.heightOfString(left, { width: DESCRIPTION_WIDTH }) : 0)
    room(height)
    const y = doc.y
    for (const [cell, column] of cells) doc.text(cell, column.x, y, { width: column.width, align: 'right', lineBreak: false })
    if (left) doc.text(left, MARGIN, y, { width: DESCRIPTION_WIDTH })
    doc.x = MARGIN
    doc.y = y + height
  }
  const rule = () => {
    doc.moveTo(MARGIN, doc.y).lineTo(RIGHT, doc.y).lineWidth(0.5).stroke()
    doc.moveDown(0.4)
  }

  text(inv.business.name, 18, true)
  for (const contact of [inv.business.phone, inv.business.email]) if (contact) text(contact, 10)
  doc.moveDown()
  text(`Invoice ${inv.number}`, 14, true)
  text(`Billed to: ${inv.customerName}`, 10)
  text(`Issued ${dayWords(inv.issuedOn)}, due ${dayWords(inv.dueOn)}${inv.status === 'void' ? ' (cancelled)' : ''}`, 10)
  doc.moveDown()
  row(
    'Work',
    [
      ['Qty', QUANTITY],
      ['Price', PRICE],
    ],
    10,
    true,
  )
  rule()
  for (const line of inv.lines) {
    const each = line.quantity > 1 ? `\n${line.quantity} at ${money(line.unit_price_cents)}` : ''
    row(
      `${line.description}${each}`,
      [
        [String(line.quantity), QUANTITY],
        [money(line.price_cents), PRICE],
      ],
      10,
    )
    doc.moveDown(0.3)
  }
  room(120)
  rule()
  const total = (label: string, cents: number, bold = false) =>
    row(
      '',
      [
        // Right-aligned against the amounts, with the row's width to the left for a long one ("Tax (8.25% on $1,250.00)").
        [label, { x: MARGIN, width: PRICE.x - MARGIN - 10 }],
        [money(cents), PRICE],
      ],
      10,
      bold,
    )
  total('Subtotal', inv.subtotalCents)
  for (const tax of taxRows(inv.lines, inv.taxCents, money)) total(tax.label, tax.cents)
  total('Total', inv.totalCents, true)
  for (const p of inv.payments) total(`Paid ${dayWords(p.received_on)}`, -p.amount_cents)
  total('Amount due', inv.dueCents, true)
  // The way to pay first, from the business's settings; the notes after it, as the business's note, never inside it.
  for (const [heading, words] of [
    [
      'How to pay',
      inv.dueCents > 0 && inv.status !== 'void' && inv.paymentInstructions.trim()
        ? `${inv.paymentInstructions.trim()}\n\n${howWeTakeMoney(inv.business.name, 'here')}`
        : '',
    ],
    [`A note from ${inv.business.name}`, inv.notes ?? ''],
  ] as const) {
    if (!words.trim()) continue
    doc.font('Helvetica').fontSize(10)
    room(doc.heightOfString(words, { width: RIGHT - MARGIN }) + 30)
    doc.moveDown()
    text(heading, 11, true)
    text(words, 10)
  }
  const pages = doc.bufferedPageRange()
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i)
    // The footer sits in the bottom margin: writing there must not start another page.
    doc.page.margins.bottom = 0
    doc
      .font('Helvetica')
      .fontSize(8)
      .text(`Invoice ${inv.number}, page ${i + 1} of ${pages.count}`, MARGIN, PAGE.height - MARGIN + 14, { lineBreak: false })
  }
  doc.end()
  return done
}
