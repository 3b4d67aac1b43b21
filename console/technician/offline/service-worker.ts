import type { Router } from 'express'
import { cspHash } from '../../csp.js'
import { PAGE_STYLE } from '../../style.js'
import { browserScript } from '../../browser-script.js'

/** The page a phone shows for a technician page it has no copy of, styled like every page and allowed by its own policy. */
const NOT_SAVED_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Not saved on this phone</title><style>${PAGE_STYLE}</style></head><body><main><h1>Not saved on this phone</h1>
<p class="warn" role="status">No connection, and this page was not saved on this phone.</p>
<p>Today's and tomorrow's jobs are saved on this phone each time you open Today with a connection.</p>
<p><a class="btn" href="/today">Today's saved jobs</a></p></main></body></html>`

const NOT_SAVED_POLICY = `default-src 'none'; style-src ${cspHash(PAGE_STYLE)}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`

/** How long a kept page waits for the network before the copy is shown instead: one bar of signal may take far longer. */
export const SLOW_MS = 4000

/**
 * The service worker (GET /sw.js, scope /), console/browser/service-worker.ts bundled: it keeps copies of today's and
 * tomorrow's technician pages for reading without signal. The server gives it its settings as one statement before it.
 */
export const SERVICE_WORKER = `var SERVICE_WORKER_SETTINGS=${JSON.stringify({
  slowMs: SLOW_MS,
  notSavedPage: NOT_SAVED_PAGE,
  notSavedPolicy: NOT_SAVED_POLICY,
})};\n${browserScript('service-worker')}`

/** The worker's own policy: it fetches this site's pages and nothing else. */
const SW_POLICY = "default-src 'none'; connect-src 'self'; frame-ancestors 'none'"

/** Serves the service worker from the site's root, so its scope is every page; it reads no data itself. */
export function mountServiceWorker(router: Router): void {
  router.get('/sw.js', (_req, res) => {
    res.set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': SW_POLICY })
    res.send(SERVICE_WORKER)
  })
}
