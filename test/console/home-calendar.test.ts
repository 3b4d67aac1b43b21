import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../helpers/databases.js'
import { homeFixture, type HomeFixture } from './home-fixture.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)("the owner's Home and Calendar (%s)", (engine) => {
  let f: HomeFixture
  let owner: PageClient
  let tom: PageClient
  beforeAll(async () => {
    f = await homeFixture(engine)
    owner = await pageClient(f.app, 'owner@sparkle.test')
    tom = await pageClient(f.app, 'tom@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
  })
  const num = (id: string) => f.ticketNumbers[id]

  it('the registered reads Home relies on filter in the database: receivables, unassigned and unanswered tickets', async () => {
    const owed = (await f.app.query({ type: 'receivables' })).body.data.items
    expect(owed).toHaveLength(1)
    expect(owed[0]).toMatchObject({ id: 'USD', owed_cents: 12_500, owed_count: 1, overdue_cents: 12_500, overdue_count: 1 })
    expect(owed[0].oldest_overdue).toEqual([
      expect.objectContaining({ id: f.invoice.id, contact_name: 'Jane Smith', due_on: '2026-10-15', days_overdue: 21 }),
    ])
    const unassigned = (await f.app.query({ type: 'tickets', unassigned: 'true' })).body.data.items.map((t: any) => t.id)
    expect(unassigned).toEqual([f.extra.tomorrow])
    const unanswered = (await f.app.query({ type: 'tickets', unanswered: 'true' })).body.data.items.map((t: any) => t.id)
    expect(unanswered).toEqual([f.extra.unanswered])
  })

  it('Home shows today and tomorrow, requests, answers, money, work to bill and leads, each linking to where it is handled', async () => {
    const r = await owner.get('/')
    expect(r.status).toBe(200)
    expect(r.html).toContain('<h1>Sparkle Windows</h1>')
    const today = r.html.slice(r.html.indexOf('<h2>Today'), r.html.indexOf('<h2>Tomorrow'))
    expect(today).toContain('Today, Thu 2026-11-05: 3 tickets')
    // In time order, in Chicago time, with the town and the technicians.
    const order = [f.tickets.now, f.tickets.olgas, f.tickets.later].map((id) => today.indexOf(`href="/tickets/${id}"`))
    expect(order.every((at, i) => at > -1 && (i === 0 || at > order[i - 1]))).toBe(true)
    expect(today).toContain('09:00')
    expect(today).toContain('12 Oak Street, Huntsville')
    expect(today).toContain('Olga Other')
    const tomorrow = r.html.slice(r.html.indexOf('<h2>Tomorrow'), r.html.indexOf('<h2>Requests'))
    expect(tomorrow).toContain(`href="/tickets/${f.extra.tomorrow}"`)
    expect(tomorrow).toContain('14:00')
    expect(tomorrow).toContain('href="/schedule?date=2026-11-06"')
    expect(r.html).toContain('<h2>Requests waiting for you: 1</h2>')
    expect(r.html).toContain('Delete customer Spare Customer')
    expect(r.html).toContain('href="/review"')
    expect(r.html).toContain(
      `href="/tickets/${f.tickets.future}">#${num(f.tickets.future)} Jane Smith</a>\ndeclined Sat 2026-11-07 10:00: <q>We are away that weekend</q>`,
    )
    expect(r.html).toMatch(new RegExp(`href="/tickets/${f.extra.unanswered}">#\\d+ Jane Smith</a> Tue 2026-11-10 09:00`))
    expect(r.html).toContain('$125.00 owed on 1 invoice; <strong>$125.00 overdue</strong> on 1')
    expect(r.html).toContain(`href="/invoices/${f.invoice.id}">Invoice ${f.invoice.number} Jane Smith</a>`)
    expect(r.html).toContain('href="/invoices?status=overdue"')
    expect(r.html).toContain('<h2>Work to close out or bill: 1</h2>')
    expect(r.html).toMatch(new RegExp(`href="/tickets/${f.extra.unclosed}">#\\d+ Jane Smith</a> Tue 2026-11-03 09:00: not closed out`))
    expect(r.html).toContain('<h2>Leads to follow up: 1</h2>')
    expect(r.html).toContain('Larry Lead · Gutter cleaning')
    expect(r.html).toContain('href="/leads"')
    // Not an empty business: no start steps. The sign-out button and the downloads stay at the bottom.
    expect(r.html).not.toContain('steps to start')
    expect(r.html).toContain('action="/auth/logout"')
    expect(r.html).toContain('href="/api/export?type=contacts&amp;include=addresses"')
    expect(r.html.indexOf('action="/auth/logout"')).toBeGreaterThan(r.html.indexOf('<h2>Leads'))
  })

  it('a lead whose follow-up moves past today leaves Home', async () => {
    const moved = await f.app.action('lead', 'update', { lead_id: f.leadId, reminder_at: '2026-11-20T15:00:00Z' })
    expect(moved.status, JSON.stringify(moved.body.error)).toBe(200)
    const r = await owner.get('/')
    expect(r.html).toContain('No follow-up is due.')
    expect(r.html).not.toContain('Larry Lead')
  })

  it('an empty business gets the first steps, with links to import, add a service and add a customer, and asks how customers pay and reply', async () => {
    const other = await f.app.createTenant('Empty Panes')
    const { createSession } = await import('../../core/auth/sessions.js')
    const cookie = await createSession(f.app.t.db, other.tenant_id, other.owner_user_id)
    const home = async () => {
      const r = await fetch(`${f.app.url}/`, { headers: { cookie: `crm_session=${cookie}` } })
      expect(r.status).toBe(200)
      return r.text()
    }
    const page = await home()
    expect(page).toContain('Five steps to start')
    for (const href of ['/import', '/services', '/customers/new', '/settings']) expect(page).toContain(`href="${href}"`)
    // Payments are off here and a new business has no payment instructions, nor a reply-to address.
    expect(page).toContain('<a href="/settings">Say how customers pay you</a>: payment instructions, printed on every invoice')
    expect(page).toContain('<a href="/settings">Set a reply-to email</a>, so customers\' replies to your emails reach you')
    // Nothing of the first business shows.
    expect(page).not.toContain('Jane Smith')
    expect(page).toContain('Nothing booked.')

    await f.app.t.admin.query(
      `update tenants set payment_instructions = 'Checks to Empty Panes', reply_to_email = 'office@emptypanes.test' where id = $1`,
      [other.tenant_id],
    )
    const set = await home()
    expect(set).toContain('Three steps to start')
    expect(set).not.toContain('Say how customers pay you')
    expect(set).not.toContain('Set a reply-to email')
  })

  it("the calendar's day view lists the day's tickets in time order, each linking to its ticket", async () => {
    const r = await owner.get('/schedule')
    expect(r.status).toBe(200)
    expect(r.html).toContain('<h1>Today, Thu 2026-11-05</h1>')
    const at = [f.tickets.now, f.tickets.olgas, f.tickets.later].map((id) => r.html.indexOf(`href="/tickets/${id}"`))
    expect(at.every((x, i) => x > -1 && (i === 0 || x > at[i - 1]))).toBe(true)
    expect(r.html).toContain('href="/schedule?date=2026-11-04"')
    expect(r.html).toContain('href="/schedule?date=2026-11-06"')
    expect(r.html).toContain('href="/schedule?view=week&amp;date=2026-11-05"')
    const other = await owner.get('/schedule?date=2026-11-06')
    expect(other.html).toContain('<h1>Fri 2026-11-06</h1>')
    expect(other.html).toContain(`href="/tickets/${f.extra.tomorrow}"`)
    expect(other.html).not.toContain(`href="/tickets/${f.tickets.now}"`)
  })

  it('filters by technician, or shows the unassigned, keeping the filter in every link', async () => {
    const olga = await owner.get(`/schedule?date=2026-11-05&technician=${f.otherTechId}`)
    expect(olga.html).toContain(`href="/tickets/${f.tickets.olgas}"`)
    expect(olga.html).not.toContain(`href="/tickets/${f.tickets.now}"`)
    expect(olga.html).toContain(`<option value="${f.otherTechId}" selected>Olga Other</option>`)
    expect(olga.html).toContain(`href="/schedule?date=2026-11-06&amp;technician=${f.otherTechId}"`)
    const none = await owner.get('/schedule?view=week&date=2026-11-05&technician=unassigned')
    expect(none.html).toContain(`href="/tickets/${f.extra.tomorrow}"`)
    expect(none.html).not.toContain(`href="/tickets/${f.tickets.olgas}"`)
    expect(none.html).toContain('<option value="unassigned" selected>Unassigned</option>')
  })

  it('the week and month views, across the change from daylight saving time (Chicago, 2026-11-01)', async () => {
    const before = await f.book('2026-10-31T09:00', [f.techId])
    const after = await f.book('2026-11-02T09:00', [f.techId])
    const week = await owner.get('/schedule?view=week&date=2026-10-28')
    expect(week.html).toContain('<h1>Week of Mon 2026-10-26</h1>')
    const sat = week.html.slice(week.html.indexOf('Sat 2026-10-31'), week.html.indexOf('Sun 2026-11-01'))
    expect(sat).toContain(`href="/tickets/${before.id}"`)
    expect(sat).toContain('<td>09:00</td>')
    const next = await owner.get('/schedule?view=week&date=2026-11-02')
    const mon = next.html.slice(next.html.indexOf('Mon 2026-11-02</a>'), next.html.indexOf('Tue 2026-11-03'))
    expect(mon).toContain(`href="/tickets/${after.id}"`)
    expect(mon).toContain('<td>09:00</td>')
    expect(next.html).toContain('<h2><a href="/schedule?date=2026-11-02">Mon 2026-11-02</a>')
    const month = await owner.get('/schedule?view=month&date=2026-11-20')
    expect(month.html).toContain('<h1>November 2026</h1>')
    expect(month.html).toContain('aria-label="2, Mon 2026-11-02: 1 ticket"')
    expect(month.html).toContain('aria-label="5, Thu 2026-11-05: 3 tickets"')
    expect(month.html).toContain('href="/schedule?view=month&amp;date=2026-10-01"')
    const october = await owner.get('/schedule?view=month&date=2026-10-01')
    expect(october.html).toContain('aria-label="31, Sat 2026-10-31: 1 ticket"')
  })

  it("a bad view, date or technician is a 400 page naming the field; another business's person is not found", async () => {
    for (const [query, words] of [
      ['view=year', 'view: expected day, week or month'],
      ['date=2026-02-30', 'date: expected a real date'],
      ['technician=%3Cb%3E', 'technician: expected a team member'],
    ]) {
      const r = await owner.get(`/schedule?${query}`)
      expect(r.status, query).toBe(400)
      expect(r.html, query).toContain(words)
    }
    const other = await f.app.createTenant('Rival Windows')
    const r = await owner.get(`/schedule?technician=${other.owner_user_id}`)
    expect(r.status).toBe(404)
    expect(r.html).toContain(`No team member with id ${other.owner_user_id}`)
  })

  it('a technician keeps their own Home and is sent to Today from the calendar; a signed-out visitor is asked to sign in', async () => {
    const home = await tom.get('/')
    expect(home.status).toBe(200)
    expect(home.html).toContain("Today's tickets")
    expect(home.html).not.toContain('Money owed')
    expect(home.html).not.toContain('Delete customer')
    const cal = await tom.get('/schedule?view=week')
    expect(cal.status).toBe(303)
    expect(cal.location).toBe('/today')
    const anon = await fetch(`${f.app.url}/schedule`, { redirect: 'manual' })
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toBe('/')
    const signIn = await (await fetch(`${f.app.url}/`)).text()
    expect(signIn).toContain('action="/auth/magic-link"')
    expect(signIn).not.toContain('Jane Smith')
  })
})
