import type { SessionPrincipal } from '../core/auth/sessions.js'
import { html, trustedHtml, type HtmlContent, type SafeHtml } from './html.js'
import { PAGE_STYLE } from './style.js'

/** Whose links the page's nav shows: the owner's, a technician's, or none (a customer, someone not signed in). */
export type Viewer = 'owner' | 'technician' | null

/** What a page is made of; the layout adds the head, the stylesheet and the nav. */
export interface Page {
  title: string
  body: HtmlContent
  /** Whose links to show at the top; viewerOf(session) for a signed-in page. */
  viewer?: Viewer
  /** A line in green above the content, e.g. after a change went through. */
  ok?: string
  /** A line in red above the content: what went wrong and what to do. */
  error?: string
  /** The page's inline script, one of ours allowed by the Content-Security-Policy's hash (csp.ts), never text from a record. */
  script?: SafeHtml
  /** Room for a wide table. */
  wide?: boolean
}

/** The nav a signed-in person's pages show, by role; pages for customers and sign-in show none. */
export function viewerOf(session: SessionPrincipal | null | undefined): Viewer {
  if (session?.actor.type !== 'user') return null
  return session.actor.role === 'owner' ? 'owner' : 'technician'
}

// The owner's nav: the everyday pages, then "More" (settings, team, catalog, templates, apps, the rest); the search box on every page.
const OWNER_NAV = html`<nav aria-label="Main"><a href="/">Home</a><a href="/schedule">Calendar</a><a href="/customers">Customers</a><a href="/invoices">Invoices</a>
<a href="/leads">Leads</a><a href="/pipeline">Pipeline</a><a href="/review">Requests</a><a href="/analytics">Numbers</a><a href="/settings">More</a></nav>
<form role="search" method="get" action="/search" class="find"><input type="search" name="q" aria-label="Search everything" placeholder="Search customers, tickets, actions…" autocomplete="off"></form>`
const TECHNICIAN_NAV = html`<nav><a href="/today">Today</a><a href="/today?view=week">Week</a><a href="/today?view=month">Month</a><a href="/">Account</a></nav>`
const STYLE = trustedHtml(`<style>${PAGE_STYLE}</style>`)

/** A complete page: inline stylesheet, at most one of our inline scripts, no external requests. */
export function layout(page: Page): SafeHtml {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${page.title}</title>${STYLE}</head><body><main${page.wide ? html` class="wide"` : ''}>${mainContent(page)}</main>${
    page.script ? html`<script>${page.script}</script>` : ''
  }</body></html>`
}

/** What goes inside <main>: also what the close-out script swaps in when it switches steps without a reload. */
export function mainContent(page: Page): SafeHtml {
  const nav = page.viewer === 'owner' ? OWNER_NAV : page.viewer === 'technician' ? TECHNICIAN_NAV : ''
  return html`${nav}<h1>${page.title}</h1>
${page.ok ? html`<p role="status" class="ok">${page.ok}</p>` : ''}${page.error ? html`<p role="alert" class="err">${page.error}</p>` : ''}${page.body}`
}
