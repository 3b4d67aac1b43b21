import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../core/jobs/worker.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { made } from '../helpers/fixtures.js'
import { startPageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { type TextsFixture, textsFixture } from '../helpers/texts.js'

const NOW = new Date('2031-03-02T15:00:00Z')

/** A business with texts on, a customer who agreed to texts and texted a question, and a visit of Tom's for them. */
async function textingBusiness(engine: 'pglite' | 'postgres', texts: TextsFixture) {
  const pages = await startPageApp(engine, { now: () => NOW, integrations: { ...texts.integrations } }, { technician: 'signed-in' })
  const { app } = pages
  const number = await texts.connect(app.t.db, app.tenant.tenant_id)
  Object.assign(texts.integrations.texts, { publicBaseUrl: app.url })
  const ann = (await made(app, 'contact', 'create', { display_name: 'Ann Texter', phones: [{ value: '+12565550161', primary: true }] })).id
  await app.ownerAction('text', 'record_consent', { contact_id: ann, kind: 'service', how: 'phone_call' })
  await app.ownerAction('text', 'set_channel', { contact_id: ann, channel: 'text' })
  await texts.twilio.inbound(`${app.url}/api/webhooks/texts`, { from: '+12565550161', to: number, body: 'Can you come at noon instead?' })
  const visit = await made(app, 'ticket', 'create', {
    contact_id: ann,
    scheduled_start: '2031-03-02T17:00:00Z',
    technician_ids: [pages.techId],
    line_items: [{ description: 'Windows', unit_price_cents: 12_000 }],
  })
  return { pages, ann, visit: visit.id as string }
}

describe.each(engines)("the owner's texts pages, without a browser (%s)", (engine) => {
  let texts: TextsFixture
  let world: Awaited<ReturnType<typeof textingBusiness>>
  beforeAll(async () => {
    texts = await textsFixture()
    world = await textingBusiness(engine, texts)
  })
  afterAll(async () => {
    await world?.pages.app.close()
    await texts?.close()
  })

  it('Home and the customer page say a text waits for an answer, and lead to the thread', async () => {
    const home = await world.pages.owner.get('/')
    expect(home.html).toContain('Texts waiting for an answer')
    expect(home.html).toContain('Can you come at noon instead?')
    const customer = await world.pages.owner.get(`/customers/${world.ann}`)
    expect(customer.html).toContain('hears from you by text; agreed to texts (phone call); <b>1 waiting for an answer</b>')
    expect(customer.html).toContain(`href="/customers/${world.ann}/texts"`)
  })

  it("the Numbers page counts the month's texts and segments", async () => {
    const numbers = await world.pages.owner.get('/analytics')
    expect(numbers.html).toContain('<h2 id="texts">Texts</h2><p>0 texts sent (0 segments, what Twilio bills), 1 received.</p>')
  })

  it('refuses an empty reply naming the field, and keeps the thread', async () => {
    const page = await world.pages.owner.get(`/customers/${world.ann}/texts`)
    const refused = await world.pages.owner.submit(page.html, `/customers/${world.ann}/texts`, [['body', '']])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('The text was not sent.')
    expect(refused.html).toContain('Can you come at noon instead?')
  })

  it('the Texts page saves the number and the limit and counts texts by month; a wrong limit is refused by field', async () => {
    const page = await world.pages.owner.get('/settings/texts')
    expect(page.html).toContain('Texts by month')
    const bad = await world.pages.owner.submit(page.html, '/settings/texts', [['daily_limit', 'lots']])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('Nothing was saved.')
    const ok = await world.pages.owner.submit(page.html, '/settings/texts', [
      ['from_number', '(256) 555-0199'],
      ['daily_limit', '50'],
    ])
    const after = await world.pages.owner.get(ok.location as string)
    expect(after.html).toContain('value="+12565550199"')
    expect(after.html).toContain('Sent today: 0 of 50.')
  })
})

describe.skipIf(!browserAvailable)('texts pages in Chromium at 390 px without JavaScript', () => {
  let texts: TextsFixture
  let world: Awaited<ReturnType<typeof textingBusiness>>
  let browser: Browser
  beforeAll(async () => {
    texts = await textsFixture()
    world = await textingBusiness(behaviourEngine, texts)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await world?.pages.app.close()
    await texts?.close()
  })

  it('the owner answers from the thread; the text goes and shows delivered', async () => {
    const tab = await phoneTab(browser, world.pages.app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, world.pages.app, `/customers/${world.ann}/texts`)
      await page.getByLabel('Your text').fill('Yes, noon works. See you then.')
      await page.getByRole('button', { name: 'Send the text' }).click()
      await page.waitForURL(/done=sent/)
      await deliverDue(world.pages.app.services)
      await texts.twilio.deliverCallbacks()
      await openOnPhone(tab, world.pages.app, `/customers/${world.ann}/texts`)
      const thread = await page.locator('ol.thread').textContent()
      expect(thread).toContain('Can you come at noon instead?')
      expect(thread).toContain('Sparkle Windows: Yes, noon works. See you then.')
      expect(thread).toContain('delivered')
      expect(thread).not.toContain('waiting for an answer')
      await page.screenshot({ path: '/tmp/texts-thread-390.png', fullPage: true })
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)

  it('the technician taps On my way on the visit page; the customer gets the text with the arrival time', async () => {
    const tab = await phoneTab(browser, world.pages.app, { javaScript: false, userId: world.pages.techId })
    try {
      const page = await openOnPhone(tab, world.pages.app, `/tickets/${world.visit}`)
      await page.getByLabel('Arriving in').selectOption('20')
      await page.getByRole('button', { name: 'On my way' }).click()
      await page.waitForURL(/done=on_my_way/)
      expect(await page.locator('.ok, [role=status]').first().textContent()).toContain('The customer is told you are on your way.')
      await page.screenshot({ path: '/tmp/texts-on-my-way-390.png', fullPage: true })
      await deliverDue(world.pages.app.services)
      expect(texts.twilio.messages.map((m) => m.body)).toContain('Sparkle Windows: we are on our way and should arrive about 9:20 AM.')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
