import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { browserAvailable, launchBrowser } from '../../helpers/browser.js'
import { engines, behaviourEngine } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { auditEntries, made } from '../../helpers/fixtures.js'
import { expectFitsPhone, openOnPhone, phoneTab } from '../../helpers/phone-page.js'

/** A customer, a reach-out to them delivered now, and the stop link it carried. */
async function deliveredReachOut(app: TestApp, name: string): Promise<{ contact: string; link: string }> {
  const contact = (await made(app, 'contact', 'create', { display_name: `${name} Stop`, email: `${name.toLowerCase()}@stop.test` })).id
  await app.ownerAction('message', 'schedule', { contact_id: contact, kind: 'reach_out' })
  await deliverDue(app.services, { retry: { maxAttempts: 1, backoffSeconds: [60] } })
  const email = app.email.sent.find((m) => m.to === `${name.toLowerCase()}@stop.test`)
  const link = /No more of these emails: (\S+)/.exec(email?.text ?? '')?.[1]
  return { contact, link: String(link) }
}

describe.each(engines)('the link in a reach-out email that stops them (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  const get = (link: string) => fetch(link).then(async (r) => ({ status: r.status, text: await r.text() }))
  const post = (link: string) =>
    fetch(link, { method: 'POST', body: new URLSearchParams({}), redirect: 'manual' }).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }))
  const optedOut = async (id: string) => expectData(await app.query({ type: 'contacts', id })).reach_out_opt_out_at ?? null

  it('every reach-out carries its own link; opening it asks first and changes nothing', async () => {
    const { contact, link } = await deliveredReachOut(app, 'Opal')
    expect(link).toMatch(new RegExp(`^${app.url}/stop/[A-Za-z0-9_-]{43}$`))
    // Mail programs offer the same link as their own unsubscribe button, and POST to it (RFC 8058).
    const email = app.email.sent.find((m) => m.to === 'opal@stop.test')
    expect(email?.headers).toEqual({ 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' })
    // Other emails carry neither the link nor the headers.
    await app.ownerAction('message', 'schedule', { contact_id: contact, kind: 'custom', body: 'Your gate code is noted' })
    await deliverDue(app.services, { retry: { maxAttempts: 1, backoffSeconds: [60] } })
    const other = app.email.sent.find((m) => m.to === 'opal@stop.test' && m.text.includes('gate code'))
    expect(other?.headers).toBeUndefined()
    expect(other?.text).not.toContain('/stop/')
    const asked = await get(link)
    expect(asked.status).toBe(200)
    expect(asked.text).toContain('Sparkle Windows emails you now and then')
    expect(asked.text).toContain('<button>Stop these emails</button>')
    const [stored] = (await app.t.admin.query('select token_hash from reach_out_stop_links where contact_id = $1', [contact])).rows
    expect(stored.token_hash).not.toBe(link.split('/stop/')[1])
  })

  it('Stop opts the customer out and cancels their queued reach-outs; the rest of their emails still go', async () => {
    const { contact, link } = await deliveredReachOut(app, 'Pearl')
    const later = await app.ownerAction('message', 'schedule', { contact_id: contact, kind: 'reach_out', send_at: '2099-01-05T15:00:00Z' })
    const note = await app.ownerAction('message', 'schedule', {
      contact_id: contact,
      kind: 'custom',
      body: 'See you',
      send_at: '2099-01-05T15:00:00Z',
    })
    // As a mail program's one-click unsubscribe posts it.
    const done = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    }).then(async (r) => ({ status: r.status, text: await r.text() }))
    expect(done.status).toBe(200)
    expect(done.text).toContain('Done: Sparkle Windows sends you no more of these emails.')
    expect(done.text).toContain('You will still get emails about your appointments and invoices.')
    const message = (id: string) => app.query({ type: 'scheduled_messages', id }).then((r) => expectData(r))
    expect((await message(later.id)).status).toBe('cancelled')
    expect((await message(note.id)).status).toBe('pending')
    const entries = await auditEntries(app, 'contact', contact)
    const stopped = entries.filter((e: any) => e.actor_type === 'system' && JSON.stringify(e.changes).includes('reach_out_opt_out_at'))
    expect(stopped).toHaveLength(1)
    expect(stopped[0].reasoning).toBe('The customer pressed Stop on the link in a reach-out email')
    // Pressed again, or opened again: nothing more changes, and the page says it is done.
    expect((await post(link)).status).toBe(200)
    expect((await get(link)).text).toContain('Sparkle Windows sends you no more of these emails.')
  })

  it('an unknown link is refused, changing nothing', async () => {
    const made404 = await get(`${app.url}/stop/${'a'.repeat(43)}`)
    expect(made404.status).toBe(404)
    expect(made404.text).toContain('This link is not valid.')
    expect((await post(`${app.url}/stop/nope`)).status).toBe(404)
  })

  it('a template that places {{stop_link}} itself carries it once', async () => {
    const template = await app.ownerAction('template', 'create', {
      kind: 'reach_out',
      name: 'With its own stop line',
      subject: 'Time for a clean?',
      body: 'Hi {{customer_first_name}}, time for a clean? To opt out: {{stop_link}}',
    })
    const contact = (await made(app, 'contact', 'create', { display_name: 'Quinn Stop', email: 'quinn@stop.test' })).id
    await app.ownerAction('message', 'schedule', { contact_id: contact, kind: 'reach_out', template_id: template.id })
    await deliverDue(app.services, { retry: { maxAttempts: 1, backoffSeconds: [60] } })
    const email = app.email.sent.find((m) => m.to === 'quinn@stop.test')
    expect(email?.text).toMatch(/To opt out: http\S+\/stop\//)
    expect(email?.text).not.toContain('No more of these emails')
    expect(await optedOut(contact)).toBeNull()
  })
})

describe.skipIf(!browserAvailable)('the stop page in Chromium at 390 px', () => {
  let app: TestApp
  let browser: Browser
  beforeAll(async () => {
    app = await startTestApp(behaviourEngine)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('fits the phone and passes axe, and Stop works without JavaScript', async () => {
    const { link } = await deliveredReachOut(app, 'Rhea')
    const tab = await phoneTab(browser, app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, app, link.slice(app.url.length))
      await page.getByRole('button', { name: 'Stop these emails' }).click()
      await page.waitForLoadState()
      expect(await page.textContent('body')).toContain('sends you no more of these emails')
      await expectFitsPhone(page, 'the stop page once stopped')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
