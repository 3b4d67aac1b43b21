import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../../core/auth/sessions.js'
import { issueResponseLinks } from '../../core/domains/messages/response-links.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { addUser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { asTenant, newContact, newTicket } from '../helpers/fixtures.js'

const clock = { now: new Date('2031-03-03T16:00:00Z') } // Monday 10:00 in Chicago

/** A signed-in person's browser: GET pages and POST forms with the session cookie (and the CSRF field unless told otherwise). */
interface Visitor {
  get(path: string): Promise<{ status: number; text: string; location: string | null }>
  post(
    path: string,
    form: Record<string, string>,
    opts?: { csrf?: boolean },
  ): Promise<{ status: number; text: string; location: string | null }>
}

async function visitor(app: TestApp, userId: string): Promise<Visitor> {
  const cookie = `crm_session=${await createSession(app.t.db, app.tenant.tenant_id, userId)}`
  const csrf = expectData(await app.call('GET', '/auth/session', undefined, { authorization: '', cookie })).csrf_token as string
  const go = async (method: string, path: string, body?: URLSearchParams) => {
    const res = await fetch(app.url + path, { method, headers: { cookie }, body, redirect: 'manual' })
    return { status: res.status, text: await res.text(), location: res.headers.get('location') }
  }
  return {
    get: (path) => go('GET', path),
    post: (path, form, opts = {}) => go('POST', path, new URLSearchParams({ ...(opts.csrf === false ? {} : { _csrf: csrf }), ...form })),
  }
}

describe.each(engines)("the owner's scheduled emails page (%s)", (engine) => {
  let app: TestApp
  let owner: Visitor
  let jane: string
  let bob: string
  let janeTicket: string
  beforeAll(async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    app = await startTestApp(engine, { now: () => clock.now })
    owner = await visitor(app, await addUser(app, 'boss@sparkle.test', 'owner', 'Pat Owner'))
    jane = await newContact(app, { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' })
    bob = await newContact(app, { first_name: 'Bob', last_name: 'Jones', email: 'bob@example.com' })
    janeTicket = (await newTicket(app, jane, { scheduled_start: '2031-03-06T09:00' })).id
    await newTicket(app, bob, { scheduled_start: '2031-03-07T13:00' })
    await app.ownerAction('message', 'schedule', { contact_id: jane, kind: 'reach_out', send_at: '2031-09-01T14:00:00Z' })
  })
  afterAll(() => app.close())

  const rows = (html: string) =>
    [...html.matchAll(/<tr><td>([^<]+)<\/td><td>([^<]+)<br>.*?<strong>([^<]+)<\/strong>/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`)
  const messageOf = async (id: string) => expectData(await app.query({ type: 'scheduled_messages', id, include: 'audit_trail' }))

  it('is for the owner: others are sent to sign in or refused', async () => {
    expect(await fetch(`${app.url}/messages`, { redirect: 'manual' }).then((r) => [r.status, r.headers.get('location')])).toEqual([
      303,
      '/',
    ])
    const tech = await visitor(app, await addUser(app, 'tech@sparkle.test', 'technician', 'Tess Tech'))
    expect((await tech.get('/messages')).status).toBe(403)
    expect((await tech.post(`/messages/${janeTicket}/cancel`, {})).status).toBe(403)
  })

  it('lists what is still to come by default, soonest first, in the business time zone, with the rendered subject', async () => {
    const page = await owner.get('/messages')
    expect(page.status).toBe(200)
    expect(page.text).toContain('Times are in America/Chicago')
    const listed = rows(page.text)
    // Soonest first; messages due at the same moment may come in either order.
    expect(listed.map((r) => r.slice(0, 16))).toEqual([...listed.map((r) => r.slice(0, 16))].sort())
    expect([...listed].sort()).toEqual([
      '2031-03-03 10:00 Bob Jones confirmation',
      '2031-03-03 10:00 Jane Smith confirmation',
      '2031-03-04 10:00 Bob Jones follow up',
      '2031-03-04 10:00 Jane Smith follow up',
      '2031-03-05 09:00 Jane Smith reminder',
      '2031-03-05 10:00 Bob Jones follow up',
      '2031-03-06 09:00 Bob Jones reminder',
      '2031-09-01 09:00 Jane Smith reach out',
    ])
    expect(page.text).toContain('Please confirm your appointment on Thursday, March 6, 2031')
    expect(page.text).toContain('2031-09-01 09:00')
    expect(page.text).toContain('<a href="/">Home</a>')
  })

  it('filters by date range, customer, kind and status', async () => {
    const only = async (query: string) => rows((await owner.get(`/messages?${query}`)).text)
    expect(await only('from=2031-03-05&to=2031-03-05')).toEqual([
      '2031-03-05 09:00 Jane Smith reminder',
      '2031-03-05 10:00 Bob Jones follow up',
    ])
    expect((await only('customer=bob')).every((r) => r.includes('Bob Jones'))).toBe(true)
    expect(await only('customer=bob')).toHaveLength(4)
    expect(await only('kind=reach_out')).toEqual(['2031-09-01 09:00 Jane Smith reach out'])
    expect(await only('customer=jane&kind=reminder&status=pending')).toEqual(['2031-03-05 09:00 Jane Smith reminder'])
    expect(await only('status=sent')).toEqual([])
    const bad = await owner.get('/messages?from=2031-03-05&to=2031-03-01')
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('to: must not be before from')
    const form = (await owner.get('/messages?kind=reminder&customer=jane')).text
    expect(form).toContain('<option value="reminder" selected>')
    expect(form).toContain('name="customer" value="jane"')
  })

  it('cancels a pending email from the page, as the owner, and returns to the same list', async () => {
    const reminder = expectData(await app.query({ type: 'scheduled_messages', ticket_id: janeTicket, kind: 'reminder' })).items[0]
    const refused = await owner.post(`/messages/${reminder.id}/cancel`, { back: '/messages?kind=reminder' }, { csrf: false })
    expect(refused.status).toBe(403)
    expect((await messageOf(reminder.id)).status).toBe('pending')

    const done = await owner.post(`/messages/${reminder.id}/cancel`, { back: '/messages?kind=reminder' })
    expect(done.status).toBe(303)
    expect(done.location).toBe('/messages?kind=reminder&done=cancelled')
    const after = await messageOf(reminder.id)
    expect(after.status).toBe('cancelled')
    expect(after.audit_trail.at(-1)).toMatchObject({ action: 'cancel', actor_type: 'user' })
    const list = await owner.get(done.location!)
    expect(list.text).toContain('The email was cancelled.')

    const again = await owner.post(`/messages/${reminder.id}/cancel`, {})
    expect(again.status).toBe(409)
    expect(again.text).toContain('only a pending message can be cancelled')
    // Only this page's own addresses are returned to.
    const elsewhere = await owner.post(
      `/messages/${expectData(await app.query({ type: 'scheduled_messages', contact_id: bob, kind: 'reminder' })).items[0].id}/cancel`,
      { back: 'https://evil.example/phish' },
    )
    expect(elsewhere.location).toMatch(/^\/messages\?done=/)
  })

  it('moves a pending email to a wall-clock time in the business zone, and refuses a time in the past', async () => {
    const followUp = expectData(await app.query({ type: 'scheduled_messages', ticket_id: janeTicket, kind: 'follow_up' })).items[0]
    const moved = await owner.post(`/messages/${followUp.id}/reschedule`, { send_at: '2031-03-04T07:30' })
    expect(moved.status).toBe(303)
    expect(new Date((await messageOf(followUp.id)).send_at).toISOString()).toBe('2031-03-04T13:30:00.000Z')
    const page = await owner.get('/messages?kind=follow_up&customer=jane')
    expect(page.text).toContain('value="2031-03-04T07:30"')

    const past = await owner.post(`/messages/${followUp.id}/reschedule`, { send_at: '2031-03-01T07:30' })
    expect(past.status).toBe(400)
    expect(past.text).toContain('data.send_at: must be in the future')
    const garbage = await owner.post(`/messages/${followUp.id}/reschedule`, { send_at: 'tomorrow' })
    expect(garbage.status).toBe(400)
    expect(garbage.text).toContain('data.send_at')
    expect(new Date((await messageOf(followUp.id)).send_at).toISOString()).toBe('2031-03-04T13:30:00.000Z')
  })

  it("is linked from the owner's home page", async () => {
    expect((await owner.get('/')).text).toContain('<a href="/messages">Scheduled emails</a>')
  })
})

describe.skipIf(!browserAvailable)("scheduled emails and a customer's answer in Chromium", () => {
  let app: TestApp
  let browser: Browser
  beforeAll(async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    app = await startTestApp(behaviourEngine, { now: () => clock.now })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('the customer asks for another time from the email link; the owner sees it and moves the reminder', async () => {
    const jane = await newContact(app, { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' })
    const ticket = await newTicket(app, jane, { scheduled_start: '2031-03-06T09:00' })
    const m = expectData(await app.query({ type: 'scheduled_messages', ticket_id: ticket.id, kind: 'confirmation' })).items[0]
    const links = await asTenant(app, (tx) =>
      issueResponseLinks(tx, app.services, app.tenant.tenant_id, { id: m.id, kind: m.kind, ticket_id: ticket.id }),
    )

    const customer = await browser.newPage()
    await customer.goto(String(links.change_link))
    await customer.fill('textarea[name=note]', 'Friday afternoon would be better')
    await customer.click('button')
    await expect(customer.textContent('body')).resolves.toContain('we will be in touch')
    await customer.close()

    const context = await browser.newContext()
    const token = await createSession(app.t.db, app.tenant.tenant_id, await addUser(app, 'boss@sparkle.test', 'owner', 'Pat Owner'))
    await context.addCookies([{ name: 'crm_session', value: token, url: app.url }])
    const owner = await context.newPage()
    await owner.goto(`${app.url}/`)
    await owner.click('a[href="/messages"]')
    const row = owner.locator('tr', { hasText: 'reminder' })
    await row.locator('input[name=send_at]').fill('2031-03-05T11:15')
    await row.locator('button', { hasText: 'Move' }).click()
    await expect(owner.textContent('body')).resolves.toContain('The email was moved to its new time.')
    await expect(owner.textContent('body')).resolves.toContain('2031-03-05 11:15')
    const reminder = expectData(await app.query({ type: 'scheduled_messages', ticket_id: ticket.id, kind: 'reminder' })).items[0]
    expect(new Date(reminder.send_at).toISOString()).toBe('2031-03-05T17:15:00.000Z')
    await owner.locator('tr', { hasText: 'reminder' }).locator('button', { hasText: 'Cancel' }).click()
    expect(expectData(await app.query({ type: 'scheduled_messages', id: reminder.id })).status).toBe('cancelled')
    await context.close()
  })
})
