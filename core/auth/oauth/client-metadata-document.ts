import { isLoopbackHttpUrl } from './urls.js'
import { OAuthError } from './errors.js'

/** How long fetching a client's metadata document may take. */
export const DOCUMENT_TIMEOUT_MS = 5_000

/** The largest metadata document read; a client's is a few hundred bytes. */
export const DOCUMENT_MAX_BYTES = 64 * 1024

/** Whether a client_id is a URL naming a client metadata document (rather than an id this server issued). */
export function isMetadataDocumentClientId(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId)
}

/**
 * Fetches a client ID metadata document: https only (http to this machine when the server serves only this machine),
 * no redirects, bounded in time and size, JSON. The caller checks what the document says.
 */
export async function fetchClientMetadataDocument(clientId: string, allowLoopback: boolean, timeoutMs = DOCUMENT_TIMEOUT_MS): Promise<unknown> {
  if (!URL.canParse(clientId)) throw new OAuthError('invalid_client', 'client_id is not a valid URL')
  const url = new URL(clientId)
  const loopback = allowLoopback && isLoopbackHttpUrl(clientId)
  if (url.protocol !== 'https:' && !loopback) throw new OAuthError('invalid_client', 'A client_id that is a URL must use https')
  if (!loopback && namesPrivateHost(url.hostname)) {
    throw new OAuthError('invalid_client', 'A client_id URL must name a public host, not this machine or a private address')
  }
  if (url.pathname === '/' || url.hash || url.username || url.password) {
    throw new OAuthError('invalid_client', 'A client_id URL must have a path and no fragment or credentials')
  }
  const seconds = `${timeoutMs / 1000} s`
  let res: Response
  try {
    res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
  } catch {
    throw new OAuthError('invalid_client', `The client metadata document at ${clientId} could not be fetched within ${seconds}, without redirects`)
  }
  if (res.status !== 200) {
    await res.body?.cancel()
    throw new OAuthError('invalid_client', `The client metadata document at ${clientId} answered ${res.status}, expected 200`)
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

/** The body as text, refusing it as soon as it passes the size limit. */
async function readBounded(res: Response, clientId: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0)
  const tooLarge = () => new OAuthError('invalid_client', `The client metadata document at ${clientId} is larger than ${DOCUMENT_MAX_BYTES} bytes`)
  if (declared > DOCUMENT_MAX_BYTES) {
    await res.body?.cancel()
    throw tooLarge()
  }
  const chunks: Uint8Array[] = []
  let size = 0
  if (!res.body) return ''
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > DOCUMENT_MAX_BYTES) {
      await reader.cancel()
      throw tooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Whether a host name is this machine or a private address written out: anyone may make the server fetch a client_id,
 * so it must not reach inside the network by naming it. (A public name that resolves to a private address is not
 * caught here; the fetch is still bounded in time and size and follows no redirects.) IPv6 literals are refused outright.
 */
function namesPrivateHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal')) return true
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h)
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])]
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
      || (a === 100 && b >= 64 && b <= 127)
  }
  return h.includes(':')
}
