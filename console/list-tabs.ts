import { html, type SafeHtml } from './html.js'

/** A list page's tab: its label alone, or with what it filters by. */
type Tab = string | { label: string }

/** A list page's status tabs as links to `path?status=key` (keeping the filters in `keep`); the current one is marked for screen readers too. */
export function statusTabs(
  label: string,
  path: string,
  tabs: Record<string, Tab>,
  current: string,
  keep: Record<string, string> = {},
): SafeHtml {
  return html`<nav aria-label="${label}" class="tabs">${Object.entries(tabs).map(
    ([key, t]) =>
      html`<a href="${path}?${new URLSearchParams({ status: key, ...keep }).toString()}"${key === current ? html` aria-current="page"` : ''}>${
        typeof t === 'string' ? t : t.label
      }</a>`,
  )}</nav>`
}

/** The status tab a list page was asked for (?status=), or `fallback` when it named none of them. */
export function askedTab(query: Record<string, unknown>, tabs: Record<string, Tab>, fallback: string): string {
  return typeof query.status === 'string' && Object.hasOwn(tabs, query.status) ? query.status : fallback
}

/** The link to a list's next page, keeping its filters, or nothing on its last page. */
export function nextPageLink(path: string, keep: Record<string, string>, cursor: string | null, text: string): SafeHtml | '' {
  return cursor ? html`<p><a href="${path}?${new URLSearchParams({ ...keep, cursor }).toString()}">${text}</a></p>` : ''
}
