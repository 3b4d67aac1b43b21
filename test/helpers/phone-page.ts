import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'
import { createSession } from '../../core/auth/sessions.js'
import type { TestApp } from './app.js'

/** A phone's screen: the width every page must fit without sideways scrolling. */
export const PHONE = { width: 390, height: 844 }

/** A Chromium tab at phone size holding a session of the given person (the business's owner by default). */
export interface PhoneTab {
  context: BrowserContext
  page: Page
  /** Content-Security-Policy complaints and page errors seen so far: a page must cause none. */
  problems: string[]
  close(): Promise<void>
}

/** axe-core's minified script, read once: put into a page the first time the page is checked. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** The rules checked: WCAG 2.1 A and AA. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** Tabs opened without JavaScript: axe cannot run in them. */
const withoutScripts = new WeakSet<BrowserContext>()

/** Opens a phone-sized tab signed in as the user (the owner when omitted), with or without JavaScript. */
export async function phoneTab(browser: Browser, app: TestApp, opts: { userId?: string; javaScript?: boolean } = {}): Promise<PhoneTab> {
  const cookie = await createSession(app.t.db, app.tenant.tenant_id, opts.userId ?? app.tenant.owner_user_id)
  const context = await browser.newContext({ javaScriptEnabled: opts.javaScript ?? true, viewport: PHONE })
  if (opts.javaScript === false) withoutScripts.add(context)
  await context.addCookies([{ name: 'crm_session', value: cookie, url: app.url }])
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(e.message))
  return { context, page, problems, close: () => context.close() }
}

/** The page fits a 390 px screen: nothing scrolls sideways. */
export async function expectFitsPhone(page: Page, what: string): Promise<void> {
  const width = (await page.evaluate('document.documentElement.scrollWidth')) as number
  expect(width, `${what} scrolls sideways at ${PHONE.width} px`).toBeLessThanOrEqual(PHONE.width)
}

/**
 * axe-core finds no accessibility violation on the page (WCAG 2.1 A and AA rules). axe runs as a script in the page, so a
 * tab without JavaScript is checked by opening its address again in a tab with JavaScript and the same cookies.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const context = page.context()
  if (withoutScripts.has(context)) {
    const browser = context.browser()!
    const copy = await browser.newContext({ viewport: page.viewportSize() ?? PHONE })
    try {
      await copy.addCookies(await context.cookies())
      const twin = await copy.newPage()
      await twin.goto(page.url())
      return await expectAccessible(twin, what)
    } finally {
      await copy.close()
    }
  }
  // axe.run() in the page itself, injected once per document, answering only the violations, each in one line: the
  // script and the answer cross the browser's protocol once, where a wrapper library sent the unminified script twice
  // per check and every passing node back (a fifth of the browser's CPU in the page tests). The pages have no frames.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE)
  const found = (await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} }, resultTypes: ['violations'] })
    .then((results) => results.violations.map((v) =>
      v.id + ': ' + v.help + ' (' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ') + ')'))`)) as string[]
  expect(found, `${what}: accessibility violations`).toEqual([])
}

/** Opens the path, checks it answered, fits the phone and passes axe; returns the page for the test's own steps. */
export async function openOnPhone(tab: PhoneTab, app: TestApp, path: string): Promise<Page> {
  const answer = await tab.page.goto(app.url + path)
  expect(answer?.status(), `${path} answered`).toBeLessThan(400)
  await expectFitsPhone(tab.page, path)
  await expectAccessible(tab.page, path)
  return tab.page
}
