import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from './browser.js'
import { expectAccessible, PHONE } from './phone-page.js'

/** A page as the product serves them (no frames), with the mistakes axe must name. */
const FLAWED = `<!doctype html><html lang="en"><head><title>Visit</title></head><body><main>
  <h1>Visit</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button>
  <p style="color:#bbb;background:#fff">Due today</p></main></body></html>`
const CLEAN = FLAWED.replace('<img', '<img alt="Porch"').replace('<button></button>', '<button>Start</button>').replace('#bbb', '#333')

describe.skipIf(!browserAvailable)('expectAccessible', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(() => browser?.close())

  it('names each WCAG violation of the page, and passes the same page once they are mended', async () => {
    const page = await (await browser.newContext({ viewport: PHONE })).newPage()
    await page.setContent(FLAWED)
    // The assertion's list of violations, one line each, as the failing test prints it.
    const found = await expectAccessible(page, 'the flawed page').then(
      () => [],
      (err: { actual?: string[] }) => err.actual ?? [],
    )
    expect(found.map((line) => line.split(':')[0]).sort()).toEqual(['button-name', 'color-contrast', 'image-alt'])
    await page.setContent(CLEAN)
    await expectAccessible(page, 'the mended page')
    await page.context().close()
  }, 60_000)
})
