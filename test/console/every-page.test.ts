import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectAccessible, expectFitsPhone, phoneTab, type PhoneTab } from '../helpers/phone-page.js'
import { techFixture, type TechFixture } from '../helpers/technician-fixture.js'
import { signedIn } from '../helpers/fixtures.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { PNG } from '../helpers/files.js'
import { UUID_TEXT } from '../../core/kernel/schema-types.js'
import { behaviourEngine } from '../helpers/databases.js'

/** Addresses a crawl must not open: leaving, downloads (a document's file among them) and calendar files are not pages. */
const NOT_PAGES =
  /^\/(?:auth\/|api\/|calendar\/[^?]|mcp|\.well-known|documents\/[^/]+\/file)|\.(?:ics|csv)(?:\?|$)|[?&](?:format=csv|download=)/

/**
 * Every page a person can reach by links from Home and the "More" page, opened in Chromium at 390 px: each answers,
 * fits the phone and passes axe. Pages added later are covered as soon as something links to them.
 */
describe.skipIf(!browserAvailable)('every page a person reaches by links fits a phone and passes axe', () => {
  let fx: TechFixture
  let browser: Browser
  beforeAll(async () => {
    fx = await techFixture(behaviourEngine)
    const app = fx.app
    await app.action('invoice', 'create', { contact_id: fx.contactId, line_items: [{ description: 'Gutters', unit_price_cents: 5000 }] })
    expect(
      (
        await app.action('lead', 'create', {
          raw_notes: 'Pat Prospect asked for a window quote',
          name: 'Pat Prospect',
          email: 'pat@example.com',
          source: 'website',
        })
      ).status,
    ).toBe(200)
    const opened = await app.action('opportunity', 'create', {
      title: 'Gutters and windows',
      contact_id: fx.contactId,
      amount_cents: 45000,
    })
    expect(opened.status).toBe(200)
    await app.action('message', 'schedule', {
      contact_id: fx.contactId,
      kind: 'custom',
      subject: 'Hello',
      body: 'See you soon',
      send_at: '2026-12-01T15:00:00Z',
    })
    const lines = [{ description: 'Skylights', unit_price_cents: 4000, quantity: 3 }]
    const quote = expectData(await app.action('quote', 'create', { contact_id: fx.contactId, line_items: lines }))
    const accepted = await app.action('quote', 'create', { contact_id: fx.contactId, line_items: lines })
    await app.action('quote', 'record_answer', { quote_id: accepted.body.data.id, answer: 'accept' }, { reasoning: 'yes on the phone' })
    // The business's own fields, so the customer's and the visits' pages show theirs.
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expectData(
      await owner.action('custom_field', 'define', {
        applies_to: 'contact',
        key: 'building',
        label: 'Building',
        field_type: 'choice',
        options: ['House', 'Condo'],
      }),
    )
    expectData(
      await owner.action('custom_field', 'define', {
        applies_to: 'ticket',
        key: 'ladder_needed',
        label: 'Ladder needed',
        field_type: 'yes_no',
      }),
    )
    expectData(await app.action('contact', 'update', { contact_id: fx.contactId, custom_fields: { building: 'House' } }))
    expectData(await app.action('ticket', 'update', { ticket_id: fx.tickets.now, custom_fields: { ladder_needed: true } }))
    // A customer who brought Jane, so her relationships list someone and her referrals page shows a chain.
    const referrer = expectData(await app.action('contact', 'create', { display_name: 'Rhonda Referrer', email: 'rhonda@example.com' }))
    expectData(
      await app.action('contact', 'link', {
        contact_id: fx.contactId,
        to_contact_id: referrer.id,
        link_type: 'referred_by',
        strength: 'strong',
      }),
    )
    const segment = await app.action('segment', 'create', { name: 'Spring route', kind: 'manual' })
    await app.action('segment', 'add_members', { segment_id: segment.body.data.id, contact_ids: [fx.contactId] })
    // Files with long names, a thumbnail among them, on the customer's page, the visit's and the quote's.
    for (const target of [{ contact_id: fx.contactId }, { ticket_id: fx.tickets.now }, { quote_id: quote.id }]) {
      await app.action('document', 'upload', {
        ...target,
        name: 'Front porch and the back windows after the spring clean, seen from the garden gate',
        tags: ['after', 'porch'],
        content_base64: PNG.toString('base64'),
      })
    }
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await fx?.app.close()
  })

  /** Opens each page reachable by links (three clicks deep) and checks it; answers the paths visited. */
  async function crawl(tab: PhoneTab, starts: string[]): Promise<string[]> {
    const seen = new Set<string>()
    // One of each kind of page is enough: /customers/<id> stands for every customer, /today?date=<day> for every day.
    const kindOf = (path: string) => path.replace(new RegExp(UUID_TEXT, 'gi'), ':id').replace(/\d+/g, 'N')
    const kinds = new Set(starts.map(kindOf))
    let frontier = starts
    for (let depth = 0; depth < 4 && frontier.length; depth++) {
      const next: string[] = []
      for (const path of frontier) {
        seen.add(path)
        const answer = await tab.page.goto(fx.app.url + path)
        expect(answer?.status(), `${path} answered`).toBeLessThan(400)
        await expectFitsPhone(tab.page, path)
        await expectAccessible(tab.page, path)
        const hrefs = (await tab.page.evaluate(`[...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'))`)) as string[]
        for (const href of hrefs) {
          if (!href.startsWith('/') || href.startsWith('//') || NOT_PAGES.test(href)) continue
          if (kinds.has(kindOf(href))) continue
          kinds.add(kindOf(href))
          next.push(href)
        }
      }
      frontier = next
    }
    expect(tab.problems, 'Content-Security-Policy complaints or page errors').toEqual([])
    return [...seen]
  }

  it("the owner's pages", async () => {
    const tab = await phoneTab(browser, fx.app)
    try {
      // A search's answer is no link's target: the new quote's customer choices are opened by their address.
      const seen = await crawl(tab, ['/', '/settings', '/quotes?status=all', '/orders?status=all', '/quotes/new?q=Jane'])
      expect(seen.length).toBeGreaterThan(8)
      for (const kind of [
        /^\/quotes\/[0-9a-f-]{36}$/,
        /^\/quotes\/new/,
        /^\/orders\/[0-9a-f-]{36}$/,
        /^\/customers\/[0-9a-f-]{36}\/referrals$/,
        /^\/customers\/[0-9a-f-]{36}\/timeline$/,
      ])
        expect(
          seen.some((p) => kind.test(p)),
          String(kind),
        ).toBe(true)
    } finally {
      await tab.close()
    }
  }, 600_000)

  it("a technician's pages", async () => {
    const tab = await phoneTab(browser, fx.app, { userId: fx.techId })
    try {
      const seen = await crawl(tab, ['/', '/today', `/tickets/${fx.tickets.now}`])
      expect(seen.length).toBeGreaterThan(3)
    } finally {
      await tab.close()
    }
  }, 600_000)
})
