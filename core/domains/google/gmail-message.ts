import { decodeEntities, emailWords } from '../interactions/email/words.js'

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
 * The message's own words: its text/plain part (else its HTML as text), without the earlier messages it quotes (see
 * emailWords). Attachments are never read.
 */
export function bodyText(message: GmailMessageResource): string {
  const parts = leaves(message.payload)
  const text = parts.find((p) => p.mimeType === 'text/plain')
  const html = parts.find((p) => p.mimeType === 'text/html')
  return emailWords(text ? decodeData(text) : null, html ? decodeData(html) : null)
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
