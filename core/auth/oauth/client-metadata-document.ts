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
export async function fetchClientMetadataDocument(clientId: string, allowLoopback: boolean): Promise<unknown> {
  if (!URL.canParse(clientId)) throw new OAuthError('invalid_client', 'client_id is not a valid URL')
  const url = new URL(clientId)
  const loopback = allowLoopback && isLoopbackHttpUrl(clientId)
  if (url.protocol !== 'https:' && !loopback) throw new OAuthError('invalid_client', 'A client_id that is a URL must use https')
  if (url.pathname === '/' || url.hash || url.username || url.password) {
    throw new OAuthError('invalid_client', 'A client_id URL must have a path and no fragment or credentials')
  }
  let res: Response
  try {
    res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(DOCUMENT_TIMEOUT_MS), headers: { accept: 'application/json' } })
  } catch {
    throw new OAuthError('invalid_client', `The client metadata document at ${clientId} could not be fetched within ${DOCUMENT_TIMEOUT_MS / 1000} s`)
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
    throw new OAuthError('invalid_client', `The client metadata document at ${clientId} could not be read within ${DOCUMENT_TIMEOUT_MS / 1000} s`)
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
