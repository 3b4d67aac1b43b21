import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core'

/** Debian's Chromium, or CHROMIUM_PATH: the whole browser. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Debian's headless shell of the same Chromium (the chromium-headless-shell package), or CHROMIUM_SHELL_PATH: Blink and
 * V8 without the browser around them, as Playwright runs headless tests by default. The page tests cost the machine
 * about half as much CPU with it (the whole browser draws every page through its compositor and GPU process).
 */
export const chromiumShellPath = process.env.CHROMIUM_SHELL_PATH ?? '/usr/bin/chromium-headless-shell'

/**
 * Whether browser tests can run here. Without Chromium they are skipped on a developer machine (with the reason
 * printed), but never under CI, which installs it: there a missing browser is a failure.
 */
export const browserAvailable = existsSync(chromiumPath) || process.env.CI === 'true'
if (!browserAvailable)
  process.stderr.write(`Browser tests skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)\n`)

/**
 * Which Chromium a file's pages open in. 'shell' unless the file needs what only the whole browser has, and says so:
 * its PDF viewer, or a redirect followed into a host the test answers with a route (the shell leaves such a redirect to
 * the network, where the host does not exist).
 */
export type ChromiumKind = 'shell' | 'browser'

/** The executable of a kind: the shell where it is installed, else (a developer machine without it) the whole browser. */
function executableOf(kind: ChromiumKind): string {
  if (kind === 'shell' && (existsSync(chromiumShellPath) || process.env.CI === 'true')) return chromiumShellPath
  return chromiumPath
}

/** This worker's Chromium of each kind, started by the first file that asks: each later file gets it without a start of its own. */
const shared = new Map<ChromiumKind, Promise<Browser>>()

/** Headless Chromium with no background networking (the machine has no internet). */
function startChromium(kind: ChromiumKind): Promise<Browser> {
  return chromium.launch({
    executablePath: executableOf(kind),
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
 * The worker's Chromium of a kind (the shell unless said) as one test file sees it: every context the file opens is its
 * own (no cookies or storage shared with another file), and close() closes those contexts, leaving the browser for the
 * next file. Playwright stops the browser when the worker exits.
 */
export async function launchBrowser(kind: ChromiumKind = 'shell'): Promise<Browser> {
  let starting = shared.get(kind)
  if (!starting) {
    starting = startChromium(kind).then((browser) => {
      browser.on('disconnected', () => shared.delete(kind))
      return browser
    })
    shared.set(kind, starting)
  }
  const browser = await starting
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
