/**
 * The service worker (GET /sw.js, scope /). It keeps, for the signed-in technician only, the copies of the pages the
 * server marks with X-Offline-Copy (today's and tomorrow's day pages and those days' tickets, see offline/copy.ts):
 * network first, the copy when the network fails ("Saved at … — no connection") or has not answered within
 * settings.slowMs while a copy exists ("— slow connection"; the page still arriving is kept for next time). Copies end
 * with their day; a day page drops the copies of its day's tickets it no longer lists (one given to someone else); all
 * are deleted on sign-out, at any sign-in page, when a page answers "signed out", or when another person's page is
 * kept. A technician page it has no copy of answers "Not saved on this phone". Everything else passes by untouched.
 */
export {}

declare const self: ServiceWorkerGlobalScope

/** What the server puts before the worker as one statement (console/technician/offline/service-worker.ts). */
declare const SERVICE_WORKER_SETTINGS: { slowMs: number; notSavedPage: string; notSavedPolicy: string }

/** What a kept copy says of itself (its X-Offline header), from the server's X-Offline-Copy. */
interface CopyMeta {
  url: string
  asked: string[]
  date: string
  until: string
  from: string
  day?: string
  saved: string
  person?: string
  fetch?: string[]
}

const PREFIX = 'offline-copies:'
const { slowMs, notSavedPage, notSavedPolicy } = SERVICE_WORKER_SETTINGS
const HTML = 'text/html; charset=utf-8'

self.addEventListener('install', () => {
  void self.skipWaiting()
})
self.addEventListener('activate', (e) => {
  e.waitUntil(self.clients.claim().then(prune))
})
self.addEventListener('fetch', (e) => {
  const r = e.request
  const u = new URL(r.url)
  if (u.origin !== location.origin) return
  if (u.pathname === '/auth/logout' || (r.mode === 'navigate' && /^\/auth\//.test(u.pathname))) {
    e.respondWith(forget().then(() => fetch(r)))
    return
  }
  if (r.mode !== 'navigate' || r.method !== 'GET' || !/^\/(today$|tickets\/)/.test(u.pathname)) return
  e.respondWith(
    new Promise<Response>((done) => {
      let over = false
      const net = fetch(r)
      const end = (x: Response | Promise<Response>) => {
        if (!over) {
          over = true
          done(x)
        }
      }
      e.waitUntil(
        net.then(
          (res) => keep(u, res.clone()).catch(() => {}),
          () => {},
        ),
      )
      net.then(end, () => end(copyOf(u, 'no connection')))
      setTimeout(() => {
        if (!over)
          void copyOf(u, 'slow connection').then((c) => {
            if (c.status !== 503) end(c)
          })
      }, slowMs)
    }),
  )
})

/** The names of this worker's caches. */
function ours(): Promise<string[]> {
  return caches.keys().then((keys) => keys.filter((k) => k.indexOf(PREFIX) === 0))
}

function forget(): Promise<unknown> {
  return ours().then((keys) => Promise.all(keys.map((k) => caches.delete(k))))
}

function metaOf(res: Response | undefined): CopyMeta | null {
  try {
    return JSON.parse(res?.headers.get('x-offline') as string) as CopyMeta | null
  } catch {
    return null
  }
}

/** Calls fn with every kept copy, in every cache of ours. */
function each(fn: (c: Cache, q: Request, res: Response | undefined, m: CopyMeta | null) => unknown): Promise<unknown> {
  return ours().then((keys) =>
    Promise.all(
      keys.map((k) =>
        caches
          .open(k)
          .then((c) =>
            c.keys().then((qs) => Promise.all(qs.map((q) => c.match(q).then((res) => fn(c, q, res, res ? metaOf(res) : null))))),
          ),
      ),
    ),
  )
}

/** Drops the copies whose day has ended. */
function prune(): Promise<unknown> {
  const now = Date.now()
  return each((c, q, _res, m) => {
    if (!m || Date.parse(m.until) <= now) return c.delete(q)
  })
}

/** Keeps a page the server marked as one to copy (and the pages it lists), or forgets what an answer says is gone. */
function keep(u: URL, res: Response): Promise<unknown> {
  const page = /^\/(today|tickets\/[^/]+)$/.test(u.pathname)
  const header = res.headers.get('x-offline-copy')
  if (res.type === 'opaqueredirect' && page) return forget()
  if (!header)
    return res.status < 500
      ? each((c, q, _r, m) => {
          if (m && m.asked.indexOf(u.pathname + u.search) >= 0) return c.delete(q)
        })
      : Promise.resolve()
  const m = JSON.parse(header) as CopyMeta
  m.asked = [u.pathname + u.search, m.url]
  return res
    .text()
    .then((body) =>
      ours()
        .then((keys) => Promise.all(keys.filter((k) => k !== PREFIX + m.person).map((k) => caches.delete(k))))
        .then(() => caches.open(PREFIX + m.person))
        .then((c) =>
          c.put(
            m.url,
            new Response(body, {
              headers: {
                'content-type': HTML,
                'content-security-policy': res.headers.get('content-security-policy') || "default-src 'none'",
                'x-offline': JSON.stringify({
                  url: m.url,
                  asked: m.asked,
                  date: m.date,
                  until: m.until,
                  from: m.from,
                  day: m.day,
                  saved: m.saved,
                }),
              },
            }),
          ),
        ),
    )
    .then(() =>
      m.day
        ? each((c, q, _r, x) => {
            if (x && x.date === m.day && /^\/tickets\//.test(x.url) && (m.fetch || []).indexOf(x.url) < 0) return c.delete(q)
          })
        : null,
    )
    .then(prune)
    .then(() =>
      (m.fetch || []).reduce<Promise<unknown>>(
        (p, url) =>
          p.then(() =>
            fetch(url, { credentials: 'same-origin', redirect: 'manual' }).then(
              (r) => keep(new URL(url, location.origin), r),
              () => {},
            ),
          ),
        Promise.resolve(),
      ),
    )
}

/** The kept copy of a page, with a line saying why it is shown; "Not saved on this phone" when there is none. */
function copyOf(u: URL, why: string): Promise<Response> {
  const now = Date.now()
  const want = u.pathname + u.search
  const date = u.searchParams.get('date')
  let hit: { res: Response; m: CopyMeta } | null = null
  return each((_c, _q, res, m) => {
    if (!m || !res || Date.parse(m.until) <= now) return
    const day = u.pathname === '/today' && (u.search === '' ? Date.parse(m.from) <= now : u.search === `?date=${date}` && m.day === date)
    if (m.asked.indexOf(want) >= 0 || (m.day && day)) hit = { res, m }
  }).then(() => {
    const found = hit as { res: Response; m: CopyMeta } | null
    if (!found)
      return new Response(notSavedPage, { status: 503, headers: { 'content-type': HTML, 'content-security-policy': notSavedPolicy } })
    return found.res.text().then((body) => {
      const line = `<p class="warn" role="status">${esc(found.m.saved)} \u2014 ${why}. This is a copy kept on this phone${why === 'no connection' ? '.' : '; reload for the latest.'}</p>`
      return new Response(body.replace('</h1>', `</h1>${line}`), {
        headers: { 'content-type': HTML, 'content-security-policy': found.res.headers.get('content-security-policy') as string },
      })
    })
  })
}

function esc(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
