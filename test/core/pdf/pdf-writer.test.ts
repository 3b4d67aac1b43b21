import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inflateSync } from 'node:zlib'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CustomerInvoice } from '../../../core/domains/invoices/customer-invoice.js'
import { invoicePdf } from '../../../core/domains/invoices/invoice-pdf.js'
import { textWidth, wrapText } from '../../../core/pdf/helvetica.js'
import { writePdf } from '../../../core/pdf/pdf-writer.js'
import { browserAvailable, launchBrowser } from '../../helpers/browser.js'

/** What a reader finds by following a PDF's own cross-reference table: every object where it says, and each page's text. */
interface ParsedPdf {
  version: string
  objects: Map<number, string>
  pageCount: number
  pages: number
  /** Each page's content, inflated. */
  contents: string[]
}

/** Reads a PDF the way a reader does: from startxref at its end, through the table, to each object; throws on any mismatch. */
function parsePdf(bytes: Buffer): ParsedPdf {
  const text = bytes.toString('latin1')
  expect(text.endsWith('%%EOF\n')).toBe(true)
  const start = Number(text.match(/startxref\n(\d+)\n%%EOF\n$/)?.[1])
  expect(text.slice(start, start + 5)).toBe('xref\n')
  const head = text.slice(start).match(/^xref\n0 (\d+)\n/)
  expect(head).toBeTruthy()
  const size = Number(head![1])
  const table = text.slice(start + head![0].length, start + head![0].length + size * 20)
  expect(table.slice(0, 20)).toBe('0000000000 65535 f \n')
  const objects = new Map<number, string>()
  for (let id = 1; id < size; id++) {
    const entry = table.slice(id * 20, id * 20 + 20)
    expect(entry, `entry ${id}`).toMatch(/^\d{10} 00000 n \n$/)
    const at = Number(entry.slice(0, 10))
    expect(text.slice(at, at + `${id} 0 obj\n`.length), `object ${id} where the table says`).toBe(`${id} 0 obj\n`)
    const end = text.indexOf('\nendobj\n', at)
    objects.set(id, text.slice(at, end))
  }
  const trailer = text.slice(start + head![0].length + size * 20)
  expect(trailer).toMatch(new RegExp(`^trailer\\n<< /Size ${size} /Root 1 0 R /Info 5 0 R >>`))
  expect(objects.get(1)).toContain('/Type /Catalog /Pages 2 0 R')
  const kids = [...(objects.get(2) ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]))
  const pageCount = Number(objects.get(2)?.match(/\/Count (\d+)/)?.[1])
  const contents = kids.map((kid) => {
    const page = objects.get(kid) ?? ''
    expect(page).toContain('/Type /Page ')
    const contentId = Number(page.match(/\/Contents (\d+) 0 R/)?.[1])
    const obj = objects.get(contentId) ?? ''
    const length = Number(obj.match(/\/Length (\d+)/)?.[1])
    const streamAt = obj.indexOf('stream\n') + 'stream\n'.length
    // The declared length is exact: endstream follows right after it.
    expect(obj.slice(streamAt + length)).toBe('\nendstream')
    return inflateSync(Buffer.from(obj.slice(streamAt, streamAt + length), 'latin1')).toString('latin1')
  })
  return { version: text.slice(0, 8), objects, pageCount, pages: kids.length, contents }
}

/** An invoice of `n` lines as the customer's page has it. */
function invoiceOf(n: number): CustomerInvoice {
  return {
    business: { name: 'Sparkle Windows (Huntsville)', email: 'hello@sparkle.test', phone: '(256) 555-0100', logo: null },
    customerName: 'Jane Smith',
    number: 'INV-2026-0007',
    status: 'partially_paid',
    isOverdue: false,
    issuedOn: '2026-03-04',
    dueOn: '2026-03-18',
    currency: 'USD',
    notes: 'Thank you! Gate code 4521.',
    lines: Array.from({ length: n }, (_, i) => ({
      description:
        i === 0 ? 'Exterior window cleaning, two storeys, with screens and tracks wiped (back) \\ front' : `Screen cleaning ${i + 1}`,
      quantity: i % 3 === 0 ? 1 : 4,
      unit_price_cents: 500 + i,
      price_cents: (i % 3 === 0 ? 1 : 4) * (500 + i),
    })),
    subtotalCents: 17_000,
    taxCents: 1403,
    totalCents: 18_403,
    paidCents: 5000,
    dueCents: 13_403,
    payments: [{ received_on: '2026-03-05', amount_cents: 5000, method: 'check' }],
    paymentInstructions: 'Checks payable to Sparkle Windows, 12 Main St.\nZelle: pay@sparkle.test',
    payOnline: true,
  }
}

describe('the PDF writer', () => {
  it('writes a PDF 1.4 whose cross-reference table, stream lengths, page count and text a reader can follow', () => {
    const pdf = writePdf(
      [
        {
          texts: [{ x: 54, y: 700, text: 'Price (with tax) \\ € 5 × 4 — café', size: 12, bold: true }],
          rules: [{ x1: 54, y1: 690, x2: 558, y2: 690 }],
        },
        { texts: [{ x: 54, y: 700, text: 'Page two', size: 10 }], rules: [] },
      ],
      { title: 'A (test) document', createdAt: new Date('2026-03-04T10:00:00Z') },
    )
    const parsed = parsePdf(pdf)
    expect(parsed.version).toBe('%PDF-1.4')
    expect(parsed.pageCount).toBe(2)
    expect(parsed.pages).toBe(2)
    expect(parsed.objects.get(3)).toContain('/BaseFont /Helvetica /Encoding /WinAnsiEncoding')
    expect(parsed.objects.get(5)).toContain('/Title (A \\(test\\) document)')
    expect(parsed.objects.get(5)).toContain('/CreationDate (D:20260304100000Z)')
    // Parentheses and backslash escaped; €, × and é as their WinAnsi bytes; the dash as WinAnsi 0x97.
    expect(parsed.contents[0]).toContain('/F2 12 Tf 54 700 Td (Price \\(with tax\\) \\\\ \x80 5 \xd7 4 \x97 caf\xe9) Tj')
    expect(parsed.contents[0]).toContain('54 690 m 558 690 l S')
    expect(parsed.contents[1]).toContain('(Page two) Tj')
  })

  it('measures Helvetica as Adobe does and wraps at spaces, cutting a word longer than the line', () => {
    expect(textWidth('0123456789', 10)).toBeCloseTo(55.6)
    expect(textWidth('W', 1000)).toBe(944)
    expect(textWidth('~', 1000)).toBe(584)
    expect(wrapText('aaa bbb ccc', 10, textWidth('aaa bbb', 10))).toEqual(['aaa bbb', 'ccc'])
    expect(wrapText('x'.repeat(30), 10, textWidth('x'.repeat(10), 10))).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(10)])
    expect(wrapText('one\ntwo', 10, 500)).toEqual(['one', 'two'])
  })

  it('lays out an invoice: business, bill-to, lines, totals, payments, amount due and how to pay, small enough for a phone', () => {
    const pdf = invoicePdf(invoiceOf(10), new Date('2026-03-04T10:00:00Z'))
    const parsed = parsePdf(pdf)
    expect(parsed.pageCount).toBe(1)
    const page = parsed.contents[0]
    for (const words of [
      '(Sparkle Windows \\(Huntsville\\))',
      '(\\(256\\) 555-0100)',
      '(hello@sparkle.test)',
      '(Invoice INV-2026-0007)',
      '(Billed to: Jane Smith)',
      '(Issued 2026-03-04, due 2026-03-18)',
      '(Screen cleaning 2)',
      '(4 at $5.01)',
      '($20.04)',
      '(Subtotal)',
      '($170.00)',
      '($14.03)',
      '($184.03)',
      '(Paid 2026-03-05)',
      '(-$50.00)',
      '(Amount due)',
      '($134.03)',
      '(Checks payable to Sparkle Windows, 12 Main St.)',
      '(Zelle: pay@sparkle.test)',
      '(Thank you! Gate code 4521.)',
      '(Invoice INV-2026-0007, page 1 of 1)',
    ]) {
      expect(page, words).toContain(words)
    }
    // A long description wraps within its column instead of running under the prices.
    expect(page).toContain('(Exterior window cleaning, two storeys, with screens and tracks wiped)')
    expect(page).toContain('(\\(back\\) \\\\ front)')
    process.stdout.write(`A 10-line invoice PDF is ${pdf.length} bytes\n`)
    expect(pdf.length).toBeLessThan(4000)
  })

  it('starts a new page when the lines do not fit, numbering every page', () => {
    const parsed = parsePdf(invoicePdf(invoiceOf(90), new Date('2026-03-04T10:00:00Z')))
    expect(parsed.pageCount).toBeGreaterThanOrEqual(3)
    for (const [i, page] of parsed.contents.entries()) {
      expect(page).toContain(`(Invoice INV-2026-0007, page ${i + 1} of ${parsed.pageCount})`)
    }
    expect(parsed.contents.join('')).toContain('(Screen cleaning 90)')
    // No line is drawn below the bottom margin's footer.
    for (const page of parsed.contents) {
      for (const m of page.matchAll(/Tf [\d.]+ ([\d.]+) Td/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(34)
    }
  })
})

describe.skipIf(!browserAvailable)("the invoice PDF in Chromium's own viewer", () => {
  let browser: Browser
  let server: Server
  const files = new Map<string, Buffer>()
  beforeAll(async () => {
    browser = await launchBrowser()
    server = createServer((req, res) => {
      const body = files.get(req.url ?? '')
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/pdf' }).end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
  })

  /** The page count Chromium's PDF viewer shows for the file served at the path ("0" while loading, and for a file it cannot read). */
  async function pageCountShown(path: string): Promise<{ now: () => Promise<string>; close: () => Promise<void> }> {
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`)
    const now = async () => {
      const viewer = page.frames().find((f) => f.url().startsWith('chrome-extension://'))
      if (!viewer) return ''
      // The count is in the viewer's shadow roots: searched through each of them.
      return (await viewer.evaluate(`(() => {
        const find = (root) => {
          for (const el of root.querySelectorAll('*')) {
            if (el.id === 'pagelength') return el.textContent
            const inner = el.shadowRoot ? find(el.shadowRoot) : null
            if (inner !== null) return inner
          }
          return null
        }
        return find(document) ?? ''
      })()`)) as string
    }
    return { now, close: () => page.close() }
  }

  it('opens a one-page and a three-page invoice with their pages, and shows none for a broken file', async () => {
    files.set('/one.pdf', invoicePdf(invoiceOf(10), new Date()))
    const long = invoicePdf(invoiceOf(90), new Date())
    files.set('/long.pdf', long)
    files.set('/broken.pdf', Buffer.from('%PDF-1.4\nnot a document\n%%EOF\n'))
    for (const [path, pages] of [
      ['/one.pdf', 1],
      ['/long.pdf', parsePdf(long).pageCount],
    ] as const) {
      const shown = await pageCountShown(path)
      await expect.poll(shown.now, { timeout: 15_000 }).toBe(String(pages))
      await shown.close()
    }
    // The viewer that just read both files finds no page in a broken one.
    const broken = await pageCountShown('/broken.pdf')
    await new Promise((resolve) => setTimeout(resolve, 2000))
    expect(await broken.now()).toBe('0')
    await broken.close()
  }, 60_000)
})
