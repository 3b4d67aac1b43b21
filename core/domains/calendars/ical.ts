/** One property line of an iCalendar object before folding: NAME, optional parameters, and the already formatted value. */
export type IcalLine = [name: string, value: string]

/** RFC 5545 lines are at most 75 octets, not counting the CRLF; longer ones continue on lines starting with a space. */
const LINE_OCTETS = 75

/** A TEXT value escaped per RFC 5545 3.3.11: backslash, semicolon, comma and line breaks; other control characters become spaces. */
export function escapeText(text: string): string {
  return (
    text
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: iCalendar text may not carry control characters, so they are replaced
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ' ')
  )
}

/** One content line folded at 75 octets, never inside a UTF-8 character, each continuation starting with a space. */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8')
  if (bytes.length <= LINE_OCTETS) return line
  const parts: string[] = []
  let start = 0
  let room = LINE_OCTETS
  while (start < bytes.length) {
    let end = Math.min(start + room, bytes.length)
    // Step back off continuation bytes (10xxxxxx) so a character is never cut in two.
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--
    parts.push(bytes.subarray(start, end).toString('utf8'))
    start = end
    room = LINE_OCTETS - 1
  }
  return parts.join('\r\n ')
}

/** An instant as a UTC DATE-TIME value: 20261105T150000Z. */
export function utcStamp(instant: Date): string {
  return instant
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/** A whole iCalendar object from its lines: each folded, CRLF after every line, as RFC 5545 requires. */
export function serializeCalendar(lines: readonly IcalLine[]): string {
  return lines.map(([name, value]) => `${foldLine(`${name}:${value}`)}\r\n`).join('')
}
