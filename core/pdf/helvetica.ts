/*
 * The standard Helvetica font every PDF reader carries, so nothing is embedded: its character widths (thousandths of
 * the font size, from Adobe's Helvetica.afm) and the WinAnsi bytes its text is written in.
 */

/** Widths of the printable ASCII characters 32 (space) to 126 (~), in order. */
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278,
  278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
  667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556,
  556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]

/** WinAnsi bytes (80 to 9F) of the Unicode characters that have one there; Latin-1 (A0 to FF) maps to itself. */
const WIN_ANSI: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  '„': 0x84,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '™': 0x99,
}

/** The byte a character is written as; a character Helvetica cannot show becomes "?". */
export function winAnsiByte(ch: string): number {
  const code = ch.codePointAt(0) ?? 63
  if (code >= 32 && code <= 126) return code
  if (code >= 0xa0 && code <= 0xff) return code
  return WIN_ANSI[ch] ?? 63
}

/** How wide a text is at a font size, in points (bold is taken as regular: close enough to wrap, exact for digits). */
export function textWidth(text: string, size: number): number {
  let units = 0
  for (const ch of text) {
    const b = winAnsiByte(ch)
    units += b >= 32 && b <= 126 ? ASCII_WIDTHS[b - 32] : 556
  }
  return (units * size) / 1000
}

/** Splits a text into lines no wider than `width` points, breaking at spaces (a word longer than a line is cut). */
export function wrapText(text: string, size: number, width: number): string[] {
  const lines: string[] = []
  for (const paragraph of text.split(/\r?\n/)) {
    let line = ''
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const tried = line ? `${line} ${word}` : word
      if (textWidth(tried, size) <= width) {
        line = tried
        continue
      }
      if (line) lines.push(line)
      line = word
      while (textWidth(line, size) > width && line.length > 1) {
        let cut = line.length - 1
        while (cut > 1 && textWidth(line.slice(0, cut), size) > width) cut--
        lines.push(line.slice(0, cut))
        line = line.slice(cut)
      }
    }
    lines.push(line)
  }
  return lines
}
