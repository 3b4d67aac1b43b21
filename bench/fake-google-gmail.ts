import { randomBytes } from 'node:crypto'
import type { FakeGoogleBase, FakeGoogleApiRequest, FakeGoogleRoute } from './fake-google.js'
import { FakeGoogleFault, googleErrorBody } from './fake-google-errors.js'

const READ_SCOPES = [
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.modify',
  'https://mail.google.com/',
]

/** Gmail's system labels, as labels.list shows them. */
const SYSTEM_LABELS = [
  'INBOX',
  'SENT',
  'DRAFT',
  'SPAM',
  'TRASH',
  'UNREAD',
  'STARRED',
  'IMPORTANT',
  'CHAT',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
]

/** A file attached to a message: Gmail lists it with an attachmentId, its bytes only through attachments.get. */
export interface FakeGmailAttachment {
  filename: string
  mimeType: string
  content: string
}

/** A message as a test puts it in a mailbox. */
export interface FakeGmailMail {
  from: string
  to: string
  cc?: string
  subject: string
  /** The text/plain part; left out for an HTML-only message. */
  text?: string
  html?: string
  /** Date header and internalDate; default the fake's clock. */
  date?: Date
  /** More headers (List-Unsubscribe, Auto-Submitted, Precedence...). */
  headers?: Record<string, string>
  /** Labels beyond those of its direction (INBOX and UNREAD, or SENT). */
  labels?: string[]
  /** The Gmail id of the message this one answers: same thread, In-Reply-To and References set to its Message-ID. */
  replyTo?: string
  /** Its Message-ID header; a fresh one when left out. */
  messageId?: string
  attachments?: FakeGmailAttachment[]
}

/** A message the fake holds, as Gmail stores it. */
export interface FakeGmailMessage {
  id: string
  threadId: string
  labelIds: string[]
  historyId: number
  internalDate: number
  snippet: string
  headers: Array<{ name: string; value: string }>
  text?: string
  html?: string
  attachments: Array<FakeGmailAttachment & { attachmentId: string }>
}

interface Mailbox {
  historyId: number
  /** The oldest startHistoryId still answered; older ones get 404 notFound. */
  oldestHistoryId: number
  messages: Map<string, FakeGmailMessage>
  history: Array<{ id: number; message: FakeGmailMessage }>
  userLabels: Array<{ id: string; name: string }>
}

/** The fake's Gmail API v1 and what a test changes "in Gmail". */
export interface FakeGmail {
  /** A message arrives in the account's mailbox (INBOX). */
  deliver(account: string, mail: FakeGmailMail): FakeGmailMessage
  /** The account sends a message (SENT), from its own address unless mail.from says otherwise. */
  send(account: string, mail: Omit<FakeGmailMail, 'from'> & { from?: string }): FakeGmailMessage
  /** Google no longer keeps the history so far: any startHistoryId before now answers 404. */
  expireHistory(account: string): void
  /** Adds a label of the person's own. */
  addLabel(account: string, name: string): string
  /** The message is deleted for good (a later messages.get answers 404). */
  remove(account: string, id: string): void
  /** The account's messages. */
  messages(account: string): FakeGmailMessage[]
  /** The most history records or messages one page holds, whatever maxResults asks (to make a test page). */
  maxPage: number
}

/** Installs Gmail API v1 on the fake: profile, labels, history, messages.list and messages.get. */
export function installFakeGmail(fake: FakeGoogleBase): FakeGmail {
  const boxes = new Map<string, Mailbox>()
  const boxOf = (account: string): Mailbox => {
    const key = account.toLowerCase()
    let box = boxes.get(key)
    if (!box) {
      const start = 1000 + Math.floor(Math.random() * 9000)
      box = { historyId: start, oldestHistoryId: 0, messages: new Map(), history: [], userLabels: [] }
      boxes.set(key, box)
    }
    return box
  }
  const state = { maxPage: Number.POSITIVE_INFINITY }

  const store = (account: string, mail: FakeGmailMail, direction: string[]): FakeGmailMessage => {
    const box = boxOf(account)
    const answered = mail.replyTo ? box.messages.get(mail.replyTo) : undefined
    if (mail.replyTo && !answered) throw new Error(`no message ${mail.replyTo} in ${account}`)
    const at = mail.date ?? fake.now
    const messageId = mail.messageId ?? `<${randomBytes(8).toString('hex')}@mail.example.com>`
    const headers = [
      { name: 'From', value: mail.from },
      { name: 'To', value: mail.to },
      ...(mail.cc ? [{ name: 'Cc', value: mail.cc }] : []),
      { name: 'Subject', value: mail.subject },
      { name: 'Date', value: at.toUTCString().replace('GMT', '+0000') },
      { name: 'Message-ID', value: messageId },
      ...(answered
        ? [
            { name: 'In-Reply-To', value: headerOf(answered, 'Message-ID') ?? '' },
            { name: 'References', value: headerOf(answered, 'Message-ID') ?? '' },
          ]
        : []),
      ...Object.entries(mail.headers ?? {}).map(([name, value]) => ({ name, value })),
    ]
    box.historyId += 1 + Math.floor(Math.random() * 3)
    const id = randomBytes(8).toString('hex')
    const message: FakeGmailMessage = {
      id,
      threadId: answered?.threadId ?? id,
      labelIds: [...new Set([...direction, ...(mail.labels ?? [])])],
      historyId: box.historyId,
      internalDate: at.getTime(),
      snippet: snippetOf(mail.text ?? stripTags(mail.html ?? '')),
      headers,
      text: mail.text,
      html: mail.html,
      attachments: (mail.attachments ?? []).map((a) => ({ ...a, attachmentId: `ANGjdJ${randomBytes(12).toString('base64url')}` })),
    }
    box.messages.set(id, message)
    box.history.push({ id: box.historyId, message })
    return message
  }

  const mailboxOf = (req: FakeGoogleApiRequest, user: string): Mailbox => {
    const who = decodeURIComponent(user)
    if (who !== 'me' && who.toLowerCase() !== req.grant.email.toLowerCase()) {
      throw new FakeGoogleFault(403, googleErrorBody(403, 'forbidden', `Delegation denied for ${req.grant.email}`))
    }
    return boxOf(req.grant.email)
  }

  const pageSize = (req: FakeGoogleApiRequest, fallback: number, most: number) => {
    const asked = req.query.get('maxResults')
    const n = asked === null ? fallback : Number(asked)
    if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid maxResults: ${asked}`)
    return Math.min(n, most, state.maxPage)
  }

  const offsetOf = (req: FakeGoogleApiRequest) => {
    const token = req.query.get('pageToken')
    if (!token) return 0
    const n = Number(Buffer.from(token, 'base64url').toString('utf8'))
    if (!Number.isInteger(n) || n < 0) throw badRequest('Invalid pageToken')
    return n
  }

  const routes: FakeGoogleRoute[] = [
    {
      method: 'GET',
      path: /^\/gmail\/v1\/users\/([^/]+)\/profile$/,
      scopes: [...READ_SCOPES, 'https://www.googleapis.com/auth/gmail.metadata'],
      handle(req, m) {
        const box = mailboxOf(req, m[1])
        return {
          status: 200,
          body: {
            emailAddress: req.grant.email,
            messagesTotal: box.messages.size,
            threadsTotal: new Set([...box.messages.values()].map((x) => x.threadId)).size,
            historyId: String(box.historyId),
          },
        }
      },
    },
    {
      method: 'GET',
      path: /^\/gmail\/v1\/users\/([^/]+)\/labels$/,
      scopes: [...READ_SCOPES, 'https://www.googleapis.com/auth/gmail.metadata', 'https://www.googleapis.com/auth/gmail.labels'],
      handle(req, m) {
        const box = mailboxOf(req, m[1])
        return {
          status: 200,
          body: {
            labels: [
              ...SYSTEM_LABELS.map((id) => ({ id, name: id, type: 'system' })),
              ...box.userLabels.map((l) => ({
                ...l,
                type: 'user',
                messageListVisibility: 'show',
                labelListVisibility: 'labelShow',
              })),
            ],
          },
        }
      },
    },
    {
      method: 'GET',
      path: /^\/gmail\/v1\/users\/([^/]+)\/history$/,
      scopes: [...READ_SCOPES, 'https://www.googleapis.com/auth/gmail.metadata'],
      handle(req, m) {
        const box = mailboxOf(req, m[1])
        const startText = req.query.get('startHistoryId')
        if (!startText) throw badRequest('Missing required parameter: startHistoryId', 'required')
        if (!/^\d+$/.test(startText)) throw badRequest(`Invalid startHistoryId: ${startText}`)
        const start = Number(startText)
        if (start < box.oldestHistoryId) throw new FakeGoogleFault(404, googleErrorBody(404, 'notFound', 'Requested entity was not found.'))
        const types = req.query.getAll('historyTypes')
        const label = req.query.get('labelId')
        // Only messageAdded records are kept; asking for other types alone gives nothing.
        const added = types.length === 0 || types.includes('messageAdded')
        const records = added
          ? box.history.filter((h) => h.id > start && (!label || h.message.labelIds.includes(label)) && box.messages.has(h.message.id))
          : []
        const from = offsetOf(req)
        const size = pageSize(req, 100, 500)
        const page = records.slice(from, from + size)
        const more = from + size < records.length
        return {
          status: 200,
          body: {
            ...(page.length
              ? {
                  history: page.map((h) => ({
                    id: String(h.id),
                    messages: [{ id: h.message.id, threadId: h.message.threadId }],
                    messagesAdded: [{ message: { id: h.message.id, threadId: h.message.threadId, labelIds: h.message.labelIds } }],
                  })),
                }
              : {}),
            ...(more ? { nextPageToken: Buffer.from(String(from + size)).toString('base64url') } : {}),
            historyId: String(box.historyId),
          },
        }
      },
    },
    {
      method: 'GET',
      path: /^\/gmail\/v1\/users\/([^/]+)\/messages$/,
      scopes: READ_SCOPES,
      handle(req, m) {
        const box = mailboxOf(req, m[1])
        const labels = req.query.getAll('labelIds')
        const match = queryMatcher(req.query.get('q') ?? '', req.now)
        const spamTrash = req.query.get('includeSpamTrash') === 'true'
        // Newest first, as Gmail lists them.
        const found = [...box.messages.values()]
          .filter((x) => labels.every((l) => x.labelIds.includes(l)))
          .filter((x) => spamTrash || !x.labelIds.some((l) => l === 'SPAM' || l === 'TRASH'))
          .filter(match)
          .sort((a, b) => b.internalDate - a.internalDate || b.historyId - a.historyId)
        const from = offsetOf(req)
        const size = pageSize(req, 100, 500)
        const page = found.slice(from, from + size)
        const more = from + size < found.length
        return {
          status: 200,
          body: {
            ...(page.length ? { messages: page.map((x) => ({ id: x.id, threadId: x.threadId })) } : {}),
            ...(more ? { nextPageToken: Buffer.from(String(from + size)).toString('base64url') } : {}),
            resultSizeEstimate: found.length,
          },
        }
      },
    },
    {
      method: 'GET',
      path: /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)$/,
      scopes: [...READ_SCOPES, 'https://www.googleapis.com/auth/gmail.metadata'],
      handle(req, m) {
        const box = mailboxOf(req, m[1])
        const message = box.messages.get(decodeURIComponent(m[2]))
        if (!message) throw new FakeGoogleFault(404, googleErrorBody(404, 'notFound', 'Requested entity was not found.'))
        const format = req.query.get('format') ?? 'full'
        if (!['full', 'metadata', 'minimal', 'raw'].includes(format)) throw badRequest(`Invalid format: ${format}`)
        if (format === 'raw') throw badRequest('The fake does not give raw messages')
        const fullOnly =
          !req.grant.scopes.has(READ_SCOPES[0]) && !req.grant.scopes.has(READ_SCOPES[1]) && !req.grant.scopes.has(READ_SCOPES[2])
        if (fullOnly && format === 'full') {
          throw new FakeGoogleFault(403, googleErrorBody(403, 'forbidden', "Metadata scope doesn't allow format FULL"))
        }
        return { status: 200, body: messageResource(message, format, req.query.getAll('metadataHeaders')) }
      },
    },
  ]
  fake.addRoutes(routes)

  return {
    deliver: (account, mail) =>
      store(account, mail, ['INBOX', 'UNREAD', ...(mail.labels?.some((l) => l.startsWith('CATEGORY_')) ? [] : ['CATEGORY_PERSONAL'])]),
    send: (account, mail) => store(account, { ...mail, from: mail.from ?? account }, ['SENT']),
    expireHistory(account) {
      const box = boxOf(account)
      box.oldestHistoryId = box.historyId
    },
    addLabel(account, name) {
      const box = boxOf(account)
      const id = `Label_${box.userLabels.length + 1}`
      box.userLabels.push({ id, name })
      return id
    },
    remove(account, id) {
      boxOf(account).messages.delete(id)
    },
    messages: (account) => [...boxOf(account).messages.values()],
    get maxPage() {
      return state.maxPage
    },
    set maxPage(n: number) {
      state.maxPage = n
    },
  }
}

function badRequest(message: string, reason = 'invalidArgument'): FakeGoogleFault {
  return new FakeGoogleFault(400, googleErrorBody(400, reason, message))
}

function headerOf(message: FakeGmailMessage, name: string): string | undefined {
  return message.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, ' ')
}

/** Gmail's snippet: the start of the text, spaces folded, HTML-escaped. */
function snippetOf(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url')

/** The message as Gmail's users.messages.get answers it in the given format. */
function messageResource(message: FakeGmailMessage, format: string, metadataHeaders: string[]) {
  const base = {
    id: message.id,
    threadId: message.threadId,
    labelIds: message.labelIds,
    snippet: message.snippet,
    historyId: String(message.historyId),
    internalDate: String(message.internalDate),
    sizeEstimate: (message.text?.length ?? 0) + (message.html?.length ?? 0) + 512,
  }
  if (format === 'minimal') return base
  const wanted = metadataHeaders.map((h) => h.toLowerCase())
  const headers =
    format === 'metadata' && wanted.length ? message.headers.filter((h) => wanted.includes(h.name.toLowerCase())) : message.headers
  const bodyParts: any[] = []
  if (message.text !== undefined)
    bodyParts.push({
      mimeType: 'text/plain',
      filename: '',
      headers: [{ name: 'Content-Type', value: 'text/plain; charset="UTF-8"' }],
      body: { size: Buffer.byteLength(message.text), data: b64(message.text) },
    })
  if (message.html !== undefined)
    bodyParts.push({
      mimeType: 'text/html',
      filename: '',
      headers: [{ name: 'Content-Type', value: 'text/html; charset="UTF-8"' }],
      body: { size: Buffer.byteLength(message.html), data: b64(message.html) },
    })
  const alternative =
    bodyParts.length === 1
      ? bodyParts[0]
      : { mimeType: 'multipart/alternative', filename: '', headers: [], body: { size: 0 }, parts: bodyParts }
  const files = message.attachments.map((a) => ({
    mimeType: a.mimeType,
    filename: a.filename,
    headers: [{ name: 'Content-Disposition', value: `attachment; filename="${a.filename}"` }],
    body: { attachmentId: a.attachmentId, size: Buffer.byteLength(a.content) },
  }))
  const tree = files.length ? { mimeType: 'multipart/mixed', filename: '', body: { size: 0 }, parts: [alternative, ...files] } : alternative
  const numbered = number(tree, '')
  if (format === 'metadata') return { ...base, payload: { mimeType: numbered.mimeType, headers } }
  return { ...base, payload: { ...numbered, partId: '', headers: [...headers, ...(numbered.headers ?? [])] } }
}

/** Gives each part Gmail's partId ("0", "0.1", ...). */
function number(part: any, id: string): any {
  return {
    ...part,
    partId: id,
    ...(part.parts ? { parts: part.parts.map((p: any, i: number) => number(p, id ? `${id}.${i}` : String(i))) } : {}),
  }
}

/**
 * The q terms the fake understands (what the product sends): after:/before: (epoch seconds or YYYY/MM/DD),
 * newer_than:/older_than: (Nd, Nm, Ny in days, months, years) and -in:chats. Any other term is refused, so a test never
 * passes on a search the fake ignored.
 */
function queryMatcher(q: string, now: Date): (m: FakeGmailMessage) => boolean {
  const tests: Array<(m: FakeGmailMessage) => boolean> = []
  for (const term of q.split(/\s+/).filter(Boolean)) {
    const t = /^(-?)([a-z_]+):(.+)$/i.exec(term)
    if (!t) throw badRequest(`The fake does not understand the search term '${term}'`)
    const [, not, key, value] = t
    const name = key.toLowerCase()
    if ((name === 'after' || name === 'before') && !not) {
      const at = timeOf(value)
      tests.push(name === 'after' ? (m) => m.internalDate > at : (m) => m.internalDate < at)
    } else if ((name === 'newer_than' || name === 'older_than') && !not) {
      const d = /^(\d+)([dmy])$/.exec(value)
      if (!d) throw badRequest(`Invalid ${name}: ${value}`)
      const days = Number(d[1]) * (d[2] === 'd' ? 1 : d[2] === 'm' ? 30 : 365)
      tests.push((m) => {
        const edge = now.getTime() - days * 86_400_000
        return name === 'newer_than' ? m.internalDate > edge : m.internalDate < edge
      })
    } else if (name === 'in' && not && value === 'chats') {
      tests.push((m) => !m.labelIds.includes('CHAT'))
    } else {
      throw badRequest(`The fake does not understand the search term '${term}'`)
    }
  }
  return (m) => tests.every((f) => f(m))
}

function timeOf(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const d = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(value)
  if (!d) throw badRequest(`Invalid date in search: ${value}`)
  return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]))
}
