import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runReachOutRules } from '../../core/domains/reach-outs/job.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { insertTicket, made } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'

/** 11:00 in Chicago, after the rules' 9:00. */
const NOW = new Date('2031-06-15T16:00:00Z')

/** Two customers last here in the autumn, one with a visit booked. */
async function lapsedCustomers(pages: PageApp): Promise<void> {
  const { app } = pages
  for (const [name, day] of [
    ['Olive', '2030-10-01'],
    ['Pete', '2030-11-01'],
  ]) {
    const c = await made(app, 'contact', 'create', { display_name: `${name} Lapsed`, email: `${name.toLowerCase()}@reach-page.test` })
    await insertTicket(app, c.id, { start: `${day}T15:00:00Z`, completed: true })
  }
}

describe.each(engines)("the owner's Reach-outs, without JavaScript (%s)", (engine) => {
  let pages: PageApp
  beforeAll(async () => {
    pages = await startPageApp(engine, { now: () => NOW })
    await lapsedCustomers(pages)
  })
  afterAll(async () => {
    await pages.app.close()
  })

  it('a wrong rule is refused naming its fields, and nothing is added', async () => {
    const page = await pages.owner.get('/reach-outs')
    const bad = await pages.owner.submit(page.html, '/reach-outs', [
      ['name', 'Lapsed'],
      ['trigger', 'no_visit'],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('The rule was not added.')
    expect(bad.html).toContain('is required for trigger no_visit')
    expect(expectData(await pages.app.query({ type: 'reach_out_rules' })).items).toEqual([])
  })

  it('adds a rule off, shows who it would email and what they read, and turns it on', async () => {
    const page = await pages.owner.get('/reach-outs')
    const added = await pages.owner.submit(page.html, '/reach-outs', [
      ['name', 'Lapsed'],
      ['trigger', 'no_visit'],
      ['months', '6'],
      ['daily_cap', '20'],
    ])
    expect(added.status).toBe(303)
    const rule = await pages.owner.get(added.location as string)
    expect(rule.html).toContain('Rule added, off.')
    expect(rule.html).toContain('For customers with no visit in 6 months. Off.')
    expect(rule.html).toContain('Olive Lapsed</a> <span class="muted">last visit October 1, 2030</span>')
    expect(rule.html).toContain('What Olive Lapsed &lt;olive@reach-page.test&gt; would read')
    const id = /\/reach-outs\/([0-9a-f-]{36})\?done=made/.exec(added.location as string)?.[1]
    const on = await pages.owner.submit(rule.html, `/reach-outs/${id}/on`, [['daily_cap', '20']])
    expect((await pages.owner.get(on.location as string)).html).toContain('On: each day’s batch waits for you.')
  })

  it("the day's batch waits on Home and on the page, and Send emails it", async () => {
    await runReachOutRules(pages.app.services)
    const home = await pages.owner.get('/')
    expect(home.html).toContain('Reach-outs waiting for you')
    expect(home.html).toContain('<b>Lapsed</b>: 2 customers')
    const page = await pages.owner.get('/reach-outs')
    const id = /action="\/reach-outs\/batches\/([0-9a-f-]{36})\/send"/.exec(page.html)?.[1]
    const sent = await pages.owner.submit(page.html, `/reach-outs/batches/${id}/send`)
    const after = await pages.owner.get(sent.location as string)
    expect(after.html).toContain('Sent: each email is on its customer’s timeline.')
    expect(after.html).toContain('Nothing is waiting.')
    const again = await pages.owner.submit(page.html, `/reach-outs/batches/${id}/send`)
    expect(again.status).toBe(409)
    expect(again.html).toContain('Nothing was changed. This batch was already sent')
  })
})

describe.skipIf(!browserAvailable)("the owner's Reach-outs in Chromium at 390 px", () => {
  let pages: PageApp
  let browser: Browser
  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine, { now: () => NOW })
    await lapsedCustomers(pages)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('Reach-outs and a rule fit the phone and pass axe, and Turn on starts the rule', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, pages.app, '/reach-outs')
      await page.getByLabel('Name').fill('Lapsed')
      await page.getByLabel('Months (no visit, or one service)').fill('6')
      await page.getByRole('button', { name: 'Add rule' }).click()
      await page.waitForURL(/done=made/)
      expect(await page.locator('.ok, [role=status]').first().textContent()).toContain('Rule added, off.')
      await openOnPhone(tab, pages.app, new URL(page.url()).pathname)
      await page.getByRole('button', { name: 'Turn on' }).click()
      await page.waitForURL(/done=on/)
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
