import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inflateSync } from 'node:zlib'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CustomerInvoice } from '../../../core/domains/invoices/customer-invoice.js'
import { invoicePdf } from '../../../core/domains/invoices/invoice-pdf.js'
import { browserAvailable, launchBrowser } from '../../helpers/browser.js'

/** What a reader finds by following a PDF's own cross-reference table: every object where it says, and each page's text. */
interface ParsedPdf {
  objects: Map<number, string>
  pageCount: number
  /** Each page's text runs, in the order drawn, with the height each starts at. */
  pages: Array<Array<{ y: number; text: string }>>
}

/** Reads a PDF the way a reader does: from startxref at its end, through the table, to each object; throws on any mismatch. */
function parsePdf(bytes: Buffer): ParsedPdf {
  const text = bytes.toString('latin1')
  expect(text.startsWith('%PDF-1.')).toBe(true)
  const start = Number(text.match(/startxref\n(\d+)\n%%EOF\n?$/)?.[1])
  expect(text.slice(start, start + 5)).toBe('xref\n')
  const head = text.slice(start).match(/^xref\n0 (\d+)\n/)
  expect(head).toBeTruthy()
  const size = Number(head![1])
  const table = text.slice(start + head![0].length, start + head![0].length + size * 20)
  const objects = new Map<number, string>()
  for (let id = 1; id < size; id++) {
    const entry = table.slice(id * 20, id * 20 + 20)
    expect(entry, `entry ${id}`).toMatch(/^\d{10} 00000 n \n$/)
    const at = Number(entry.slice(0, 10))
    expect(text.slice(at, at + `${id} 0 obj\n`.length), `object ${id} where the table says`).toBe(`${id} 0 obj\n`)
    objects.set(id, text.slice(at, text.indexOf('\nendobj\n', at)))
  }
  const root = Number(text.slice(start).match(/\/Root (\d+) 0 R/)?.[1])
  const pagesId = Number(objects.get(root)?.match(/\/Pages (\d+) 0 R/)?.[1])
  const tree = objects.get(pagesId) ?? ''
  const kids = [...(tree.match(/\/Kids \[([^\]]*)\]/)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]))
  const pages = kids.map((kid) => {
    const page = objects.get(kid) ?? ''
    expect(page).toMatch(/\/Type \/Page\n/)
    const obj = objects.get(Number(page.match(/\/Contents (\d+) 0 R/)?.[1])) ?? ''
    const length = Number(obj.match(/\/Length (\d+)/)?.[1])
    const streamAt = obj.indexOf('stream\n') + 'stream\n'.length
    // The declared length is exact: endstream follows right after it.
    expect(obj.slice(streamAt + length)).toBe('\nendstream')
    const content = inflateSync(Buffer.from(obj.slice(streamAt, streamAt + length), 'latin1')).toString('latin1')
    return [...content.matchAll(/1 0 0 1 [\d.]+ ([\d.]+) Tm\n\/F\d+ [\d.]+ Tf\n\[(.*)\] TJ/g)].map((m) => ({
      y: Number(m[1]),
      text: [...m[2].matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join(''),
    }))
  })
  return { objects, pageCount: Number(tree.match(/\/Count (\d+)/)?.[1]), pages }
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
      tax_cents: 0,
      tax_rate_bp: 825,
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

describe('the invoice as a PDF', () => {
  it('lays out an invoice: business, bill-to, lines, totals, payments, amount due and how to pay, small enough for a phone', async () => {
    const pdf = await invoicePdf(invoiceOf(10), new Date('2026-03-04T10:00:00Z'))
    const parsed = parsePdf(pdf)
    expect(parsed.pageCount).toBe(1)
    const runs = parsed.pages[0].map((r) => r.text)
    for (const words of [
      'Sparkle Windows (Huntsville)',
      '(256) 555-0100',
      'hello@sparkle.test',
      'Invoice INV-2026-0007',
      'Billed to: Jane Smith',
      'Issued March 4, 2026, due March 18, 2026',
      'Screen cleaning 2',
      '4 at $5.01',
      '$20.04',
      'Subtotal',
      '$170.00',
      'Tax (8.25%)',
      '$14.03',
      '$184.03',
      'Paid March 5, 2026',
      '-$50.00',
      'Amount due',
      '$134.03',
      'How to pay',
      'Checks payable to Sparkle Windows, 12 Main St.',
      'Zelle: pay@sparkle.test',
      'A note from Sparkle Windows (Huntsville)',
      'Thank you! Gate code 4521.',
      'Invoice INV-2026-0007, page 1 of 1',
    ]) {
      expect(runs, words).toContain(words)
    }
    // The standard fonts are named, never embedded; the document says what it is.
    expect([...parsed.objects.values()].join('\n')).toContain('/BaseFont /Helvetica-Bold')
    expect([...parsed.objects.values()].join('\n')).not.toContain('/FontFile')
    expect([...parsed.objects.values()].some((o) => o.endsWith('(Invoice INV-2026-0007 from Sparkle Windows \\(Huntsville\\))'))).toBe(true)
    // The way to pay comes first, the business's note after it: a note cannot sit above the instructions it names.
    expect(runs.indexOf('How to pay')).toBeLessThan(runs.indexOf('A note from Sparkle Windows (Huntsville)'))
    // A long description wraps within its column instead of running under the prices.
    expect(runs).toContain('Exterior window cleaning, two storeys, with screens and tracks wiped ')
    expect(runs).toContain('(back) \\ front')
    process.stdout.write(`A 10-line invoice PDF is ${pdf.length} bytes\n`)
    expect(pdf.length).toBeLessThan(8000)
  })

  it('names the tax rate, a row per rate when lines differ, and writes dates as the emails do', async () => {
    const mixed: CustomerInvoice = {
      ...invoiceOf(0),
      issuedOn: '2026-12-01',
      dueOn: '2026-12-10',
      lines: [
        { description: 'Window cleaning', quantity: 1, unit_price_cents: 20_000, price_cents: 20_000, tax_cents: 1600, tax_rate_bp: 800 },
        { description: 'Gutter guard', quantity: 1, unit_price_cents: 10_000, price_cents: 10_000, tax_cents: 925, tax_rate_bp: 925 },
        { description: 'Travel', quantity: 1, unit_price_cents: 2_000, price_cents: 2_000, tax_cents: 0, tax_rate_bp: 0 },
      ],
      subtotalCents: 32_000,
      taxCents: 2525,
      totalCents: 34_525,
      paidCents: 0,
      dueCents: 34_525,
      payments: [],
    }
    const runs = parsePdf(await invoicePdf(mixed, new Date('2026-12-01T10:00:00Z'))).pages[0].map((r) => r.text)
    for (const words of [
      'Issued December 1, 2026, due December 10, 2026',
      'Tax (8% on $200.00)',
      '$16.00',
      'Tax (9.25% on $100.00)',
      '$9.25',
    ])
      expect(runs, words).toContain(words)
    expect(runs.filter((r) => r.startsWith('Tax'))).toHaveLength(2)
  })

  it('starts a new page when the lines do not fit, numbering every page, nothing drawn into the footer', async () => {
    const parsed = parsePdf(await invoicePdf(invoiceOf(90), new Date('2026-03-04T10:00:00Z')))
    expect(parsed.pageCount).toBeGreaterThanOrEqual(3)
    expect(parsed.pages).toHaveLength(parsed.pageCount)
    for (const [i, page] of parsed.pages.entries()) {
      const footer = page.find((r) => r.text.startsWith('Invoice INV-2026-0007, page'))
      expect(footer?.text).toBe(`Invoice INV-2026-0007, page ${i + 1} of ${parsed.pageCount}`)
      for (const run of page) if (run !== footer) expect(run.y, run.text).toBeGreaterThan((footer?.y ?? 0) + 8)
    }
    expect(parsed.pages.flat().map((r) => r.text)).toContain('Screen cleaning 90')
  })
})

describe.skipIf(!browserAvailable)("the invoice PDF in Chromium's own viewer", () => {
  let browser: Browser
  let server: Server
  const files = new Map<string, Buffer>()
  beforeAll(async () => {
    // The viewer is the whole browser's: the headless shell downloads a PDF instead of showing it.
    browser = await launchBrowser('browser')
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
    files.set('/one.pdf', await invoicePdf(invoiceOf(10), new Date()))
    const long = await invoicePdf(invoiceOf(90), new Date())
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
    await expect.poll(broken.now, { timeout: 15_000 }).toBe('0')
    await new Promise((resolve) => setTimeout(resolve, 2000))
    expect(await broken.now()).toBe('0')
    await broken.close()
  }, 60_000)
})
