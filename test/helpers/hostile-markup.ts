import { expect } from 'vitest'

/** Markup that would run or break out of an attribute if a page inserted it as it is, with a quote and an ampersand. */
export const SCRIPT = '<script>alert(document)</script>'
export const BREAKOUT = '"><img src=x onerror=alert(document)>'
export const QUOTE = "O'Neil & Co"
export const PAYLOAD = `${SCRIPT} ${BREAKOUT} ${QUOTE}`

/** How each part must look on a page that shows it. */
export const ESCAPED = [
  '&lt;script&gt;alert(document)&lt;/script&gt;',
  '&quot;&gt;&lt;img src=x onerror=alert(document)&gt;',
  'O&#39;Neil &amp; Co',
]

/** The page shows the payload's text, escaped, and never its markup (nor its quote or ampersand as they are). */
export function expectEscaped(page: { status: number; html: string }, what: string, shown = true): void {
  expect(page.status, what).not.toBe(500)
  expect(page.html.startsWith('<!doctype html>'), `${what} is a page`).toBe(true)
  for (const raw of [SCRIPT, BREAKOUT, '<img src=x', QUOTE]) expect(page.html, `${what}: ${raw}`).not.toContain(raw)
  if (shown) for (const escaped of ESCAPED) expect(page.html, `${what} shows ${escaped}`).toContain(escaped)
}
