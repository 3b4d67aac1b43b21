import { lookup } from 'node:dns/promises'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isLoopbackHttpUrl } from './urls.js'
import { OAuthError } from './errors.js'
import { isLoopbackAddress, isPublicAddress } from './public-addresses.js'

/** How long fetching a client's metadata document may take, from resolving its host to its last byte. */
export const DOCUMENT_TIMEOUT_MS = 5_000

/** The largest metadata document read; a client's is a few hundred bytes. */
export const DOCUMENT_MAX_BYTES = 64 * 1024

/** The addresses a host name resolves to. */
export type ResolveHost = (hostname: string) => Promise<Array<{ address: string; family: number }>>

/** The system's resolver, as any connection would use it (hosts file, then DNS). */
const systemResolver: ResolveHost = (hostname) => lookup(hostname, { all: true, verbatim: true })

/** Whether a client_id is a URL naming a client metadata document (rather than an id this server issued). */
export function isMetadataDocumentClientId(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId)
}

/**
 * Fetches a client ID metadata document: https only (http to this machine when the server serves only this machine),
 * no redirects, bounded in time and size, JSON. Anyone may make the server fetch a client_id, so its host is resolved
 * first and every address it has must be public (or, for this machine's http, loopback), and the connection goes to
 * the addresses checked, never to a second answer of the resolver. The caller checks what the document says.
 */
export async function fetchClientMetadataDocument(
  clientId: string,
  allowLoopback: boolean,
  opts: { timeoutMs?: number; resolve?: ResolveHost } = {},
): Promise<unknown> {
  const timeoutMs = opts.timeoutMs ?? DOCUMENT_TIMEOUT_MS
  if (!URL.canParse(clientId)) throw new OAuthError('invalid_client', 'client_id is not a valid URL')
  const url = new URL(clientId)
  const loopback = allowLoopback && isLoopbackHttpUrl(clientId)
  if (url.protocol !== 'https:' && !loopback) throw new OAuthError('invalid_client', 'A client_id that is a URL must use https')
  if (url.pathname === '/' || url.hash || url.username || url.password) {
    throw new OAuthError('invalid_client', 'A client_id URL must have a path and no fragment or credentials')
  }
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (!loopback && namesLocalHost(host)) throw notPublic()
  const seconds = `${timeoutMs / 1000} s`
  const signal = AbortSignal.timeout(timeoutMs)
  const addresses = await checkedAddresses(host, loopback, opts.resolve ?? systemResolver, signal, seconds)
  let res: IncomingMessage
  try {
    res = await get(url, addresses, signal)
  } catch {
    throw new OAuthError('invalid_client', `The client metadata document at ${clientId} could not be fetched within ${seconds}`)
  }
  if (res.statusCode !== 200) {
    res.destroy()
    throw new OAuthError(
      'invalid_client',
      `The client metadata document at ${clientId} answered ${res.statusCode}, expected 200 (redirects are not followed)`,
    )
  }
  let text: string
  try {
    text = await readBounded(res, clientId)
  } catch (err) {
    if (err instanceof OAuthError) throw err
    throw new OAuthError('invalid_client', `The client metadata document at ${clientId} could not be read within ${seconds}`)
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new OAuthError('invalid_client', `The client metadata document at ${clientId} is not JSON`)
  }
}

/** The host's addresses, each of them public (or loopback for this machine's http); refused otherwise. */
async function checkedAddresses(host: string, loopback: boolean, resolve: ResolveHost, signal: AbortSignal, seconds: string) {
  let addresses: Array<{ address: string; family: number }>
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await untilAborted(resolve(host), signal)
  } catch {
    throw new OAuthError('invalid_client', `The client_id's host ${host} could not be resolved within ${seconds}`)
  }
  if (!addresses.length) throw new OAuthError('invalid_client', `The client_id's host ${host} has no address`)
  const allowed = loopback ? isLoopbackAddress : isPublicAddress
  if (!addresses.every((a) => allowed(a.address))) throw notPublic()
  return addresses
}

function notPublic(): OAuthError {
  return new OAuthError(
    'invalid_client',
    'A client_id URL must name a public host: not this machine, a private, link-local or reserved address, or a name that resolves to one',
  )
}

/**
 * Names that never mean a host on the internet, refused before resolving: a resolver may answer them from a local
 * service (mDNS) however they are spelt, with a trailing dot or not.
 */
function namesLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.+$/, '')
  return h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal')
}

/** The resolution's answer, or a rejection once the time is up (a lookup itself cannot be stopped). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const stop = () => reject(signal.reason)
    if (signal.aborted) return stop()
    signal.addEventListener('abort', stop, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop))
  })
}

/** GET to the checked addresses only: the connection's own lookup answers with them instead of asking the resolver again. */
function get(url: URL, addresses: Array<{ address: string; family: number }>, signal: AbortSignal): Promise<IncomingMessage> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) return callback(null, addresses)
    callback(null, addresses[0].address, addresses[0].family)
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(url, { headers: { accept: 'application/json' }, lookup: pinned, signal, agent: false }, resolve)
    req.on('error', reject)
    req.end()
  })
}

/** The body as text, refusing it as soon as it passes the size limit. */
async function readBounded(res: IncomingMessage, clientId: string): Promise<string> {
  const tooLarge = () =>
    new OAuthError('invalid_client', `The client metadata document at ${clientId} is larger than ${DOCUMENT_MAX_BYTES} bytes`)
  if (Number(res.headers['content-length'] ?? 0) > DOCUMENT_MAX_BYTES) {
    res.destroy()
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.byteLength
    if (size > DOCUMENT_MAX_BYTES) {
      res.destroy()
      throw tooLarge()
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
