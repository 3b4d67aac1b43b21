import { isLoopbackHttpUrl } from './urls.js'

/** Schemes a redirect may never use: they run code, read local files or go nowhere. */
const REFUSED_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:', 'ftp:', 'ws:', 'wss:'])

/**
 * Why a redirect URI may not be registered, or null when it may: https anywhere; http only to this machine (a desktop
 * client's loopback listener, RFC 8252); an app's own scheme (cursor://, vscode://); never a fragment.
 */
export function redirectUriProblem(uri: string): string | null {
  if (!URL.canParse(uri)) return `"${uri}" is not an absolute URL`
  const url = new URL(uri)
  if (url.hash) return `"${uri}" must not have a fragment (#...)`
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:')
    return isLoopbackHttpUrl(uri) ? null : `"${uri}" must use https (plain http is only for localhost or 127.0.0.1)`
  if (REFUSED_SCHEMES.has(url.protocol)) return `"${uri}" uses the ${url.protocol} scheme, which cannot receive a code`
  return null
}

/**
 * Whether the redirect URI of an authorization request is one the client registered: the same string, or for a
 * loopback http address the same string but for its port, which a desktop client picks when it starts listening (RFC
 * 8252 section 7.3). The strings are compared as given, not as a URL parser would tidy them: a space, a case or an
 * escape that differs is another URI.
 */
export function redirectUriRegistered(registered: readonly string[], given: string): boolean {
  if (registered.includes(given)) return true
  const wanted = withoutLoopbackPort(given)
  return wanted !== null && registered.some((uri) => withoutLoopbackPort(uri) === wanted)
}

/** A loopback http URI as written with its port taken out ("http://127.0.0.1:3775/cb" is "http://127.0.0.1/cb"); null for any other. */
function withoutLoopbackPort(uri: string): string | null {
  const m = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?([/?][^\s#]*)?$/.exec(uri)
  return m && isLoopbackHttpUrl(uri) ? `http://${m[1]}${m[2] ?? ''}` : null
}
