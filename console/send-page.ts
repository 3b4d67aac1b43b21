import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Response } from 'express'
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy } from './csp.js'
import type { SafeHtml } from './html.js'

/** How a page is sent besides its markup. */
export interface SendOptions {
  status?: number
  /** The address carries a secret (a customer's link, a sign-in link): keep it out of search engines too. */
  secretUrl?: boolean
  /** Other origins the page's forms may lead to (the consent page's answer redirects to the app). */
  formTargets?: readonly string[]
}

/**
 * Sends a page: brotli or gzip when the client accepts it, never stored by a cache (pages carry per-session tokens, answers
 * to one-time links, or show one business's data at an address anyone could open), under the pages' Content-Security-Policy.
 */
export function sendPage(res: Response, page: SafeHtml, opts: SendOptions = {}): void {
  const text = page.toString()
  res.status(opts.status ?? 200)
  res.set({
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    Vary: 'Accept-Encoding',
    'Content-Security-Policy': opts.formTargets?.length ? contentSecurityPolicy(opts.formTargets) : CONTENT_SECURITY_POLICY,
    ...(opts.secretUrl ? { 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } : {}),
  })
  const encoding = encodingFor(res.req.get('accept-encoding') ?? '')
  if (encoding === 'br') {
    res.set('Content-Encoding', 'br').send(brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }))
  } else if (encoding === 'gzip') {
    res.set('Content-Encoding', 'gzip').send(gzipSync(text, { level: 9 }))
  } else {
    res.send(text)
  }
}

/** The encoding to send in: br, else gzip, when the Accept-Encoding header takes it (q=0 refuses); otherwise none. */
export function encodingFor(accept: string): 'br' | 'gzip' | null {
  const taken = new Set<string>()
  for (const part of accept.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    if (!q || Number(q.slice(2)) > 0) taken.add(name.trim())
  }
  if (taken.has('br')) return 'br'
  return taken.has('gzip') || taken.has('*') ? 'gzip' : null
}
