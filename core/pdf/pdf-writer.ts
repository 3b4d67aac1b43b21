import { deflateSync } from 'node:zlib'
import { winAnsiByte } from './helvetica.js'

/*
 * A small PDF 1.4 writer for text documents: pages of text in the standard Helvetica and Helvetica-Bold fonts (never
 * embedded, so a page costs only its words) and thin rules, each page's content compressed. Just what an invoice needs.
 */

/** A US Letter page in points. */
export const PAGE = { width: 612, height: 792 } as const

/** One run of text: its baseline's left end in points from the bottom-left corner. */
export interface PdfText {
  x: number
  y: number
  text: string
  size: number
  bold?: boolean
}

/** A thin horizontal or vertical rule. */
export interface PdfRule {
  x1: number
  y1: number
  x2: number
  y2: number
}

/** What one page shows. */
export interface PdfPage {
  texts: PdfText[]
  rules: PdfRule[]
}

/** A text as a PDF string literal of WinAnsi bytes: (…) with \, ( and ) escaped. */
function literal(text: string): Buffer {
  const bytes: number[] = [0x28]
  for (const ch of text) {
    const b = winAnsiByte(ch)
    if (b === 0x5c || b === 0x28 || b === 0x29) bytes.push(0x5c)
    bytes.push(b)
  }
  bytes.push(0x29)
  return Buffer.from(bytes)
}

/** Two decimals at most, as a PDF number. */
function num(n: number): string {
  return String(Math.round(n * 100) / 100)
}

/** The drawing operators of one page. */
function contentOf(page: PdfPage): Buffer {
  const parts: Buffer[] = []
  if (page.rules.length) {
    parts.push(Buffer.from('0.5 w 0.6 G\n'))
    for (const r of page.rules) parts.push(Buffer.from(`${num(r.x1)} ${num(r.y1)} m ${num(r.x2)} ${num(r.y2)} l S\n`))
  }
  for (const t of page.texts) {
    parts.push(
      Buffer.from(`BT /${t.bold ? 'F2' : 'F1'} ${num(t.size)} Tf ${num(t.x)} ${num(t.y)} Td `),
      literal(t.text),
      Buffer.from(' Tj ET\n'),
    )
  }
  return Buffer.concat(parts)
}

/** A PDF date: D:YYYYMMDDHHmmSSZ. */
function pdfDate(at: Date): string {
  return `D:${at
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, '')}Z`
}

/** Writes the pages as one PDF file, with a title in its document information. */
export function writePdf(pages: readonly PdfPage[], info: { title: string; createdAt: Date }): Buffer {
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')]
  let length = chunks[0].length
  const offsets: number[] = []
  const add = (...parts: Buffer[]) => {
    for (const p of parts) {
      chunks.push(p)
      length += p.length
    }
  }
  const object = (id: number, ...body: Buffer[]) => {
    offsets[id] = length
    add(Buffer.from(`${id} 0 obj\n`), ...body, Buffer.from('\nendobj\n'))
  }
  // 1 catalog, 2 page tree, 3 and 4 fonts, 5 information, then each page and its content.
  const pageIds = pages.map((_, i) => 6 + i * 2)
  object(1, Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'))
  object(2, Buffer.from(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`))
  object(3, Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'))
  object(4, Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>'))
  object(
    5,
    Buffer.from('<< /Title '),
    literal(info.title),
    Buffer.from(` /Producer (service-crm) /CreationDate (${pdfDate(info.createdAt)}) >>`),
  )
  pages.forEach((page, i) => {
    const id = pageIds[i]
    object(
      id,
      Buffer.from(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] ` +
          `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${id + 1} 0 R >>`,
      ),
    )
    const stream = deflateSync(contentOf(page))
    object(id + 1, Buffer.from(`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`), stream, Buffer.from('\nendstream'))
  })
  const count = 6 + pages.length * 2
  const xref = length
  // Each cross-reference entry is exactly 20 bytes: 10-digit offset, 5-digit generation, n or f, then space and newline.
  const entries = ['0000000000 65535 f \n']
  for (let id = 1; id < count; id++) entries.push(`${String(offsets[id]).padStart(10, '0')} 00000 n \n`)
  add(
    Buffer.from(`xref\n0 ${count}\n${entries.join('')}trailer\n<< /Size ${count} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`),
  )
  return Buffer.concat(chunks)
}
