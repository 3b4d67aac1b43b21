import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core'

/** Debian's Chromium, or CHROMIUM_PATH. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Whether browser tests can run here. Without Chromium they are skipped on a developer machine (with the reason
 * printed), but never under CI, which installs it: there a missing browser is a failure.
 */
export const browserAvailable = existsSync(chromiumPath) || process.env.CI === 'true'
if (!browserAvailable)
  process.stderr.write(`Browser tests skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)\n`)

/** This worker's one Chromium, started by the first file that asks: each later file gets it without a start of its own. */
let shared: Promise<Browser> | undefined

/** Headless Chromium with no background networking (the machine has no internet). */
function startChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

/**
 * The worker's Chromium as one test file sees it: every context the file opens is its own (no cookies or storage
 * shared with another file), and close() closes those contexts, leaving the browser for the next file. Playwright
 * stops the browser when the worker exits.
 */
export async function launchBrowser(): Promise<Browser> {
  shared ??= startChromium().then((browser) => {
    browser.on('disconnected', () => {
      shared = undefined
    })
    return browser
  })
  const browser = await shared
  const opened = new Set<BrowserContext>()
  const newContext = async (options?: BrowserContextOptions) => {
    const context = await browser.newContext(options)
    opened.add(context)
    context.on('close', () => opened.delete(context))
    return context
  }
  return new Proxy(browser, {
    get(target, property) {
      if (property === 'newContext') return newContext
      // As Playwright's own browser.newPage: a context of the page's own, closed with the page.
      if (property === 'newPage')
        return async (options?: BrowserContextOptions) => {
          const context = await newContext(options)
          const page = await context.newPage()
          page.on('close', () => void context.close().catch(() => {}))
          return page
        }
      if (property === 'close') return async () => void (await Promise.all([...opened].map((c) => c.close().catch(() => {}))))
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
