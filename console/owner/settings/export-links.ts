import { html, joinHtml, type SafeHtml } from '../../html.js'

/** The lists the owner's pages offer to download, each with the expansions that make it whole, and how the page names it. */
export const OWNER_EXPORTS: ReadonlyArray<{ type: string; include: string[]; label: string }> = [
  { type: 'contacts', include: ['addresses'], label: 'Customers' },
  { type: 'tickets', include: ['line_items'], label: 'Tickets with line items' },
  { type: 'invoices', include: ['line_items'], label: 'Invoices' },
  { type: 'payments', include: [], label: 'Payments' },
  { type: 'leads', include: [], label: 'Leads' },
  { type: 'scheduled_messages', include: [], label: 'Scheduled messages' },
]

/** The link that downloads one list as CSV through the export endpoint, with the owner's session. */
export function exportHref(type: string): string {
  const list = OWNER_EXPORTS.find((e) => e.type === type)
  const query = new URLSearchParams({ type, ...(list?.include.length ? { include: list.include.join(',') } : {}) })
  return `/api/export?${query}`
}

/** A line of download links, one for each list the owner can export. */
export function exportLinks(): SafeHtml {
  return html`<p class="note">Download as CSV: ${joinHtml(
    OWNER_EXPORTS.map((e) => html`<a href="${exportHref(e.type)}" download>${e.label}</a>`),
    html` · `,
  )}</p>`
}
