import { createHash } from 'node:crypto'
import { PAGE_STYLE } from './style.js'
import { PAGE_SCRIPTS } from './page-scripts.js'

/** The hash a Content-Security-Policy names an inline <style> or <script> by. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
}

/**
 * The pages' Content-Security-Policy: nothing from anywhere but this site, only our own inline stylesheet and script (by
 * hash, so an injected one would not run), a service worker from this site only, no plugins, no <base>, forms only to
 * this site (and the given other origins, e.g. where the consent page's answer redirects), never inside a frame.
 */
export function contentSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${cspHash(PAGE_STYLE)}`,
    `script-src ${PAGE_SCRIPTS.map(cspHash).join(' ')}`,
    "connect-src 'self'",
    "worker-src 'self'",
    "img-src 'self' data:",
    ["form-action 'self'", ...formTargets].join(' '),
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** The policy of every page whose forms post to this site only. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy()
