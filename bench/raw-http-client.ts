import net from 'node:net'

/** One answer: its status and body as text. */
export interface RawAnswer {
  status: number
  text: string
}

const HEADER_END = Buffer.from('\r\n\r\n')
const CRLF = Buffer.from('\r\n')

/**
 * Where an answer in `buf` ends (the byte after it), or -1 while it is incomplete; its status and body once complete.
 * Answers carry a content-length or chunked bodies (HTTP/1.1 as Node's server sends them).
 */
function parseAnswer(buf: Buffer): { end: number; status: number; body: Buffer; close: boolean } | null {
  const headEnd = buf.indexOf(HEADER_END)
  if (headEnd < 0) return null
  const head = buf.toString('latin1', 0, headEnd)
  const status = Number(head.slice(9, 12))
  const close = /\r\nconnection: *close/i.test(head)
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)
  let at = headEnd + 4
  if (length) {
    const end = at + Number(length[1])
    return buf.length < end ? null : { end, status, body: buf.subarray(at, end), close }
  }
  if (!/\r\ntransfer-encoding: *chunked/i.test(head)) return { end: at, status, body: Buffer.alloc(0), close }
  const parts: Buffer[] = []
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, at)
    if (lineEnd < 0) return null
    const size = Number.parseInt(buf.toString('latin1', at, lineEnd), 16)
    const dataEnd = lineEnd + 2 + size
    if (buf.length < dataEnd + 2) return null
    if (size === 0) return { end: dataEnd + 2, status, body: Buffer.concat(parts), close }
    parts.push(buf.subarray(lineEnd + 2, dataEnd))
    at = dataEnd + 2
  }
}

/** A keep-alive connection that carries one request at a time. */
class Connection {
  private received: Buffer = Buffer.alloc(0)
  private waiting: { resolve(a: RawAnswer): void; reject(e: Error): void; timer: NodeJS.Timeout } | null = null
  broken = false
  readonly socket: net.Socket

  constructor(host: string, port: number, onGone: (c: Connection) => void) {
    this.socket = net.connect({ host, port, noDelay: true })
    this.socket.on('data', (d: Buffer) => this.onData(d))
    const gone = (err?: Error) => {
      this.broken = true
      onGone(this)
      this.fail(err ?? new Error('the server closed the connection'))
    }
    this.socket.on('error', gone)
    this.socket.on('close', () => gone())
  }

  /** Writes the request in one write and resolves with its answer. */
  send(request: string, timeoutMs: number): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.socket.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs)
      this.waiting = { resolve, reject, timer }
      this.socket.write(request)
    })
  }

  private onData(d: Buffer) {
    this.received = this.received.length ? Buffer.concat([this.received, d]) : d
    const answer = parseAnswer(this.received)
    if (!answer || !this.waiting) return
    this.received = this.received.subarray(answer.end)
    const { resolve, timer } = this.waiting
    this.waiting = null
    clearTimeout(timer)
    if (answer.close) {
      this.broken = true
      this.socket.end()
    }
    resolve({ status: answer.status, text: answer.body.toString('utf8') })
  }

  private fail(err: Error) {
    if (!this.waiting) return
    const { reject, timer } = this.waiting
    this.waiting = null
    clearTimeout(timer)
    reject(err)
  }
}

/**
 * A keep-alive HTTP/1.1 client for a load generator, as wrk is one: each request written to a plain socket in one
 * write, each answer read by its length; far less of the machine a request than Node's http client, whose CPU would
 * otherwise be counted against the server it loads when both share the cores. Not a general client: no redirects, no
 * compression, no pipelining, answers from a server that sends a length or chunks.
 */
export function rawHttpClient(baseUrl: string, timeoutMs = 30_000) {
  const base = new URL(baseUrl)
  const host = base.hostname
  const port = Number(base.port || 80)
  const idle: Connection[] = []
  const all = new Set<Connection>()
  const forget = (c: Connection) => {
    all.delete(c)
    const i = idle.indexOf(c)
    if (i >= 0) idle.splice(i, 1)
  }
  return {
    /** Sends one request on an idle connection (or a new one); rejects on a network failure or timeout. */
    async send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
      let lines = `${method} ${path} HTTP/1.1\r\nhost: ${base.host}\r\n`
      for (const [k, v] of Object.entries(headers)) lines += `${k}: ${v}\r\n`
      if (body !== undefined) lines += `content-length: ${Buffer.byteLength(body)}\r\n`
      const request = `${lines}\r\n${body ?? ''}`
      const c = idle.pop() ?? new Connection(host, port, forget)
      all.add(c)
      try {
        return await c.send(request, timeoutMs)
      } finally {
        if (!c.broken) idle.push(c)
      }
    },
    /** Closes every connection. */
    close() {
      for (const c of all) c.socket.destroy()
      all.clear()
      idle.length = 0
    },
  }
}
