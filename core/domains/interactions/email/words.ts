/** An address in a header, with the name shown beside it. */
export interface MailAddress {
  address: string
  name: string | null
}

/** The addresses of an address header ("Jane <jane@x.com>, bob@y.com"), lower-cased. */
export function addressesOf(value: string | null): MailAddress[] {
  if (!value) return []
  const out: MailAddress[] = []
  // Commas inside quotes or angle brackets do not separate addresses.
  for (const piece of value.match(/(?:"[^"]*"|<[^>]*>|[^,])+/g) ?? []) {
    const angled = /<([^>]+)>/.exec(piece)
    const address = (angled ? angled[1] : piece).trim().toLowerCase()
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) continue
    const name = angled ? piece.slice(0, angled.index).trim().replace(/^"|"$/g, '').trim() : ''
    out.push({ address, name: name || null })
  }
  return out
}

/**
 * An email's own words: its plain text (else its HTML as text), without the earlier messages it quotes (they are on the
 * timeline already).
 */
export function emailWords(text: string | null, html: string | null): string {
  const raw = text?.trim() ? text : html ? htmlToText(html) : ''
  return withoutQuoted(raw)
}

/** HTML as the text a reader sees: no scripts, styles or quoted blocks, a line per paragraph, entities decoded. */
function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
      .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, '')
      .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  )
}

/** Text with HTML's character references replaced by the characters. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** The text above the quoted earlier message ("On ... wrote:", "> ..." lines, an "Original Message" line). */
function withoutQuoted(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const kept: string[] = []
  for (const line of lines) {
    if (/^On .+wrote:\s*$/.test(line.trim()) || /^-{2,}\s*Original Message\s*-{2,}$/i.test(line.trim())) break
    if (line.startsWith('>')) continue
    kept.push(line)
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
