/** A Gmail message resource as users.messages.get answers it (the parts the product reads). */
export interface GmailMessageResource {
  id: string
  threadId: string
  labelIds?: string[]
  snippet?: string
  historyId?: string
  internalDate?: string
  payload?: GmailPart
}

/** One MIME part of a Gmail message; an attachment has a filename and an attachmentId instead of data. */
export interface GmailPart {
  partId?: string
  mimeType?: string
  filename?: string
  headers?: Array<{ name: string; value: string }>
  body?: { size?: number; data?: string; attachmentId?: string }
  parts?: GmailPart[]
}

/** An address in a header, with the name shown beside it. */
export interface MailAddress {
  address: string
  name: string | null
}

/** The headers the product reads of every message (messages.get with format=metadata asks only for these). */
export const READ_HEADERS = [
  'From',
  'To',
  'Cc',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'In-Reply-To',
  'References',
  'List-Unsubscribe',
  'List-Id',
  'Precedence',
  'Auto-Submitted',
  'X-Autoreply',
  'X-Autorespond',
] as const

/** A header's value (the first of that name, any case), or null. */
export function headerOf(message: GmailMessageResource, name: string): string | null {
  const lower = name.toLowerCase()
  return message.payload?.headers?.find((h) => h.name.toLowerCase() === lower)?.value ?? null
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

/** The Message-IDs a header names (In-Reply-To, References). */
export function messageIdsOf(value: string | null): string[] {
  return value?.match(/<[^<>\s]+>/g) ?? []
}

/** When Gmail received the message (internalDate), else its Date header, else null. */
export function receivedAt(message: GmailMessageResource): Date | null {
  const ms = Number(message.internalDate)
  if (message.internalDate && Number.isFinite(ms) && ms > 0) return new Date(ms)
  const date = headerOf(message, 'Date')
  const parsed = date ? Date.parse(date) : Number.NaN
  return Number.isFinite(parsed) ? new Date(parsed) : null
}

/** Gmail's snippet is HTML-escaped: the plain text of it. */
export function plainSnippet(snippet: string | undefined): string {
  return decodeEntities(snippet ?? '').trim()
}

/**
 * The message's own words: its text/plain part (else its HTML as text), without the earlier messages it quotes (they
 * are on the timeline already). Attachments are never read.
 */
export function bodyText(message: GmailMessageResource): string {
  const parts = leaves(message.payload)
  const text = parts.find((p) => p.mimeType === 'text/plain')
  const html = parts.find((p) => p.mimeType === 'text/html')
  const raw = text ? decodeData(text) : html ? htmlToText(decodeData(html)) : ''
  return withoutQuoted(raw)
}

/** The body parts that hold text, attachments left out. */
function leaves(part: GmailPart | undefined): GmailPart[] {
  if (!part) return []
  if (part.parts?.length) return part.parts.flatMap(leaves)
  if (part.filename || part.body?.attachmentId) return []
  return part.body?.data ? [part] : []
}

function decodeData(part: GmailPart): string {
  return Buffer.from((part.body?.data ?? '').replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')
}

function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
      .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, '')
      .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  )
}

function decodeEntities(text: string): string {
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
