import { formatMoney } from '../../money.js'
import { textWidth, wrapText } from '../../pdf/helvetica.js'
import { PAGE, type PdfPage, writePdf } from '../../pdf/pdf-writer.js'
import type { CustomerInvoice } from './customer-invoice.js'

/** Page margins and the columns of the line table, in points. */
const MARGIN = 54
const RIGHT = PAGE.width - MARGIN
const DESCRIPTION_WIDTH = 330
const QUANTITY_RIGHT = 430

/** Lays out pages top to bottom, starting a new page when the next block would not fit. */
class Pages {
  readonly pages: PdfPage[] = []
  private y = 0
  constructor(private readonly footer: string) {
    this.newPage()
  }
  private newPage(): void {
    this.pages.push({ texts: [], rules: [] })
    this.y = PAGE.height - MARGIN
  }
  private get page(): PdfPage {
    return this.pages[this.pages.length - 1]
  }
  /** Makes room for `height` points, on a new page when this one is full. */
  room(height: number): void {
    if (this.y - height < MARGIN + 24) this.newPage()
  }
  /** A line of text at x (or ending at x when right-aligned), then down by its leading. */
  text(x: number, text: string, size: number, opts: { bold?: boolean; right?: boolean; stay?: boolean } = {}): void {
    const left = opts.right ? x - textWidth(text, size) : x
    this.page.texts.push({ x: left, y: this.y - size, text, size, bold: opts.bold })
    if (!opts.stay) this.y -= size * 1.4
  }
  gap(points: number): void {
    this.y -= points
  }
  rule(): void {
    this.page.rules.push({ x1: MARGIN, y1: this.y, x2: RIGHT, y2: this.y })
    this.y -= 6
  }
  /** Numbers each page at its foot: "INV-2026-0007, page 1 of 2". */
  finish(): PdfPage[] {
    for (const [i, p] of this.pages.entries()) {
      p.texts.push({ x: MARGIN, y: MARGIN - 20, text: `${this.footer}, page ${i + 1} of ${this.pages.length}`, size: 8 })
    }
    return this.pages
  }
}

/** An invoice as a PDF for its customer: the business, the bill-to, each line, the totals, what was paid and what is due. */
export function invoicePdf(inv: CustomerInvoice, createdAt: Date): Buffer {
  const money = (cents: number) => formatMoney(cents, inv.currency)
  const out = new Pages(`Invoice ${inv.number}`)
  out.text(MARGIN, inv.business.name, 18, { bold: true })
  for (const contact of [inv.business.phone, inv.business.email ?? '']) if (contact) out.text(MARGIN, contact, 10)
  out.gap(12)
  out.text(MARGIN, `Invoice ${inv.number}`, 14, { bold: true })
  out.text(MARGIN, `Billed to: ${inv.customerName}`, 10)
  out.text(MARGIN, `Issued ${inv.issuedOn}, due ${inv.dueOn}${inv.status === 'void' ? ' (cancelled)' : ''}`, 10)
  out.gap(10)
  out.text(MARGIN, 'Work', 10, { bold: true, stay: true })
  out.text(QUANTITY_RIGHT, 'Qty', 10, { bold: true, right: true, stay: true })
  out.text(RIGHT, 'Price', 10, { bold: true, right: true })
  out.rule()
  for (const line of inv.lines) {
    const wrapped = wrapText(line.description, 10, DESCRIPTION_WIDTH)
    out.room(wrapped.length * 14 + 4)
    out.text(QUANTITY_RIGHT, String(line.quantity), 10, { right: true, stay: true })
    out.text(RIGHT, money(line.price_cents), 10, { right: true, stay: true })
    for (const part of wrapped) out.text(MARGIN, part, 10)
    if (line.quantity > 1) out.text(MARGIN, `${line.quantity} at ${money(line.unit_price_cents)}`, 8)
  }
  out.room(120)
  out.rule()
  const total = (label: string, cents: number, bold = false) => {
    out.text(QUANTITY_RIGHT, label, 10, { bold, right: true, stay: true })
    out.text(RIGHT, money(cents), 10, { bold, right: true })
  }
  total('Subtotal', inv.subtotalCents)
  total('Tax', inv.taxCents)
  total('Total', inv.totalCents, true)
  for (const p of inv.payments) total(`Paid ${p.received_on}`, -p.amount_cents)
  total('Amount due', inv.dueCents, true)
  for (const [heading, text] of [
    ['Notes', inv.notes ?? ''],
    ['How to pay', inv.dueCents > 0 ? inv.paymentInstructions : ''],
  ] as const) {
    if (!text.trim()) continue
    const wrapped = wrapText(text, 10, RIGHT - MARGIN)
    out.room(wrapped.length * 14 + 30)
    out.gap(10)
    out.text(MARGIN, heading, 11, { bold: true })
    for (const part of wrapped) out.text(MARGIN, part, 10)
  }
  return writePdf(out.finish(), { title: `Invoice ${inv.number} from ${inv.business.name}`, createdAt })
}
