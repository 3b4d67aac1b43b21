import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { made } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'

/** An organization, and a customer it referred. */
async function acmeAndReferral(pages: PageApp): Promise<string> {
  const acme = (await made(pages.app, 'contact', 'create', { kind: 'organization', display_name: 'Acme Property Management' })).id
  const dora = (await made(pages.app, 'contact', 'create', { display_name: 'Dora Direct' })).id
  await made(pages.app, 'contact', 'link', { contact_id: dora, to_contact_id: acme, link_type: 'referred_by' })
  return acme
}

describe.each(engines)("the owner's Partners, without JavaScript (%s)", (engine) => {
  let pages: PageApp
  let acme: string
  beforeAll(async () => {
    pages = await startPageApp(engine)
    acme = await acmeAndReferral(pages)
  })
  afterAll(async () => {
    await pages.app.close()
  })

  it('finds the organization, makes it a partner, and shows the referrals it brought', async () => {
    const empty = await pages.owner.get('/partners')
    expect(empty.html).toContain('No partners yet.')
    const found = await pages.owner.get('/partners?q=Acme')
    expect(found.html).toContain(`name="contact_id" value="${acme}"`)
    const chosen = await pages.owner.get(`/partners?contact_id=${acme}`)
    const saved = await pages.owner.submit(chosen.html, '/partners', [
      ['referrer', 'on'],
      ['note', 'Sends her buildings'],
    ])
    expect(saved.status).toBe(303)
    const page = await pages.owner.get(saved.location as string)
    expect(page.html).toContain('Saved.')
    expect(page.html).toContain('<b>Acme Property Management</b>')
    expect(page.html).toContain('Sends us customers')
    expect(page.html).toContain('1 referral')
    expect(page.html).toContain('Dora Direct</a>')
  })

  it('refuses a person, saving nothing', async () => {
    const dora = (await made(pages.app, 'contact', 'create', { display_name: 'Pete Person' })).id
    const page = await pages.owner.get(`/partners?contact_id=${dora}`)
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? ''
    const refused = await pages.owner.post('/partners', [
      ['_csrf', csrf],
      ['contact_id', dora],
      ['referrer', 'on'],
    ])
    expect(refused.status).toBe(409)
    expect(refused.html).toContain('Nothing was saved. Pete Person is a person')
  })
})

describe.skipIf(!browserAvailable)("the owner's Partners in Chromium at 390 px", () => {
  let pages: PageApp
  let browser: Browser
  let acme: string
  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine)
    acme = await acmeAndReferral(pages)
    await pages.app.ownerAction('partner', 'set', { contact_id: acme, roles: ['referrer', 'subcontractor'] })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('fits the phone and passes axe', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, pages.app, '/partners?q=Acme')
      expect(await page.textContent('body')).toContain('Does jobs for us')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
