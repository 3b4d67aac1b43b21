import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { hiddenFields, pageClient, type PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)("the owner sets the follow-ups' schedule on the settings page (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient

  /** The settings form's fields as the page fills them, with some changed. */
  const posted = (html: string, changes: Record<string, string>): Array<[string, string]> => {
    const inputs = [...html.matchAll(/<input name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&amp;/g, '&')])
    const zone = /<option selected>([^<]+)<\/option>/.exec(html)?.[1] ?? ''
    return [
      ...hiddenFields(html, '/settings'),
      ...[...inputs, ['timezone', zone], ['payment_instructions', '']].map(([k, v]): [string, string] => [k, changes[k] ?? v]),
    ]
  }

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await pageClient(app, 'owner@sparkle.test')
  })
  afterAll(() => app?.close())

  it('saves invoice reminder days, the quote follow-up, the review link and its period, and shows them again', async () => {
    const page = await owner.get('/settings')
    expect(page.html).toContain('<h2>Follow-ups</h2>')
    const saved = await owner.post(
      '/settings',
      posted(page.html, {
        invoice_reminder_days: '7, -3, 0',
        quote_follow_up_days: '2',
        review_link: 'https://g.page/r/sparkle/review',
        review_after_days: '2',
        review_every_months: '6',
      }),
    )
    expect(saved.status, saved.html.slice(0, 300)).toBe(303)
    const settings = (await app.query({ type: 'settings' })).body.data.items[0]
    expect(settings).toMatchObject({
      invoice_reminder_days: [7, -3, 0],
      quote_follow_up_days: 2,
      review_link: 'https://g.page/r/sparkle/review',
      review_after_days: 2,
      review_every_months: 6,
    })
    const again = await owner.get('/settings')
    expect(again.html).toContain('name="invoice_reminder_days" value="7, -3, 0"')
    expect(again.html).toContain('name="review_link" value="https://g.page/r/sparkle/review"')
    // Emptied, each follow-up is off.
    await owner.post('/settings', posted(again.html, { invoice_reminder_days: '', quote_follow_up_days: '', review_link: '' }))
    expect((await app.query({ type: 'settings' })).body.data.items[0]).toMatchObject({
      invoice_reminder_days: [],
      quote_follow_up_days: null,
      review_link: null,
    })
  })

  it('shows unreadable days and a link that is not a web address next to their fields, and saves nothing', async () => {
    const before = (await app.query({ type: 'settings' })).body.data.items[0]
    const page = await owner.get('/settings')
    const days = await owner.post('/settings', posted(page.html, { invoice_reminder_days: 'a week after', name: 'Renamed' }))
    expect(days.status).toBe(400)
    expect(days.html).toMatch(/id="e_invoice_reminder_days">expected days from the due date/)
    const link = await owner.post('/settings', posted(page.html, { review_link: 'javascript:alert(1)', name: 'Renamed' }))
    expect(link.status).toBe(400)
    expect(link.html).toMatch(/id="e_review_link">/)
    expect((await app.query({ type: 'settings' })).body.data.items[0]).toEqual(before)
  })
})
