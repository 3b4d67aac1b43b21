import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { TLSSocket } from 'node:tls'

/** What one request got back, with what the connection says about the server and this machine. */
export interface ProbeAnswer {
  status: number
  headers: IncomingHttpHeaders
  /** The body as text (at most 64 KB of it). */
  body: string
  /** This machine's address on the connection: the client address a proxy in front of the server sees. */
  localAddress: string
  /** The certificate the server presented (https only); Node checked it against its trusted CAs (and NODE_EXTRA_CA_CERTS). */
  certificate: { validTo: Date; issuer: string } | null
  /** When the request was sent and its answer began, by this machine's clock (ms since the epoch). */
  sentAt: number
  answeredAt: number
}

/** A request that got no answer: refused, timed out, or a certificate Node does not trust (code: Node's, e.g. CERT_HAS_EXPIRED). */
export class ProbeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ProbeError'
  }
}

const BODY_LIMIT = 64 * 1024

/** Sends one request on a connection of its own (so its certificate is seen) and reads the answer; refuses within timeoutMs. */
export function probe(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs: number },
): Promise<ProbeAnswer> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  const sentAt = Date.now()
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: options.method ?? 'GET', headers: { connection: 'close', ...options.headers }, agent: false, timeout: options.timeoutMs },
      (res) => {
        const answeredAt = Date.now()
        const socket = res.socket as TLSSocket
        const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          if (size < BODY_LIMIT) chunks.push(chunk)
          size += chunk.length
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT),
            localAddress: socket.localAddress ?? '',
            certificate: peer?.valid_to
              ? { validTo: new Date(peer.valid_to), issuer: String(peer.issuer?.O ?? peer.issuer?.CN ?? '') }
              : null,
            sentAt,
            answeredAt,
          }),
        )
        res.on('error', (err) => reject(probeError(err)))
      },
    )
    req.on('timeout', () => req.destroy(new ProbeError('ETIMEDOUT', `no answer within ${options.timeoutMs} ms`)))
    req.on('error', (err) => reject(probeError(err)))
    req.end(options.body)
  })
}

/** The envelope's parts of an answer, when its body is one of the product's envelopes; null for anything else (a proxy's page). */
export function envelopeOf(answer: ProbeAnswer): { success: boolean; data: any; error: { code: string; message: string } | null } | null {
  if (!String(answer.headers['content-type'] ?? '').includes('application/json')) return null
  try {
    const parsed = JSON.parse(answer.body)
    return parsed && typeof parsed.success === 'boolean' && 'meta' in parsed ? parsed : null
  } catch {
    return null
  }
}

function probeError(err: Error & { code?: string }): ProbeError {
  if (err instanceof ProbeError) return err
  return new ProbeError(err.code ?? 'EPROTO', err.message)
}
