import { get } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../helpers/databases.js'
import { pageClient, techFixture, type PageClient, type TechFixture } from '../helpers/technician-fixture.js'

describe.each(engines)('technician Today and Ticket pages (%s)', (engine) => {
  let f: TechFixture
  let tom: PageClient
  let owner: PageClient
  beforeAll(async () => {
    f = await techFixture(engine)
    tom = await pageClient(f.app, 'tom@sparkle.test')
    owner = await pageClient(f.app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
  })
  const num = (id: string) => f.ticketNumbers[id]

  it('the home page links a technician to Today', async () => {
    expect((await tom.get('/')).html).toContain('href="/today"')
  })

  it('Today shows only my tickets of today, with the current one on top as a one-tap Clock in', async () => {
    const r = await tom.get('/today')
    expect(r.status).toBe(200)
    expect(r.html).toContain('Today, Thu 2026-11-05')
    const now = r.html.indexOf('class="card now"')
    expect(now).toBeGreaterThan(-1)
    expect(r.html.slice(now, now + 600)).toContain(`Now: #${num(f.tickets.now)} Jane Smith`)
    expect(r.html.slice(now, now + 1200)).toContain(`action="/tickets/${f.tickets.now}/clock_in"`)
    expect(r.html).toContain(`#${num(f.tickets.later)} Jane Smith`)
    expect(r.html).not.toContain(`#${num(f.tickets.olgas)} `)
    expect(r.html).not.toContain(`#${num(f.tickets.future)} `)
  })

  it('the week view lists the next 7 days; owners see every technician', async () => {
    const week = await tom.get('/today?view=week')
    expect(week.html).toContain('Sat 2026-11-07')
    expect(week.html).toContain(`#${num(f.tickets.future)} Jane Smith`)
    expect(week.html).not.toContain(`#${num(f.tickets.olgas)} `)
    const all = await owner.get('/today')
    expect(all.html).toContain(`#${num(f.tickets.olgas)} Jane Smith`)
    expect(all.html).toContain('Olga Other')
  })

  it('the ticket page has the customer, a tel: link, a maps link, attributes, notes, work and the clock', async () => {
    const r = await tom.get(`/tickets/${f.tickets.now}`)
    expect(r.status).toBe(200)
    expect(r.html).toContain('href="tel:2565550142"')
    expect(r.html).toContain('https://www.google.com/maps/search/?api=1&amp;query=12%20Oak%20Street%2C%20Huntsville%2C%20AL%2C%2035801')
    expect(r.html).toContain('Gate code 4821')
    expect(r.html).toMatch(/dog name<\/td><td>Biscuit/)
    expect(r.html).toContain('Side door is open')
    expect(r.html).toContain('Window cleaning')
    expect(r.html).toContain('$150.00')
    expect(r.html).toContain(`href="/tickets/${f.tickets.now}/closeout/work"`)
    expect(r.html).not.toMatch(/<script[^>]*src=|<link|src="http/)
  })

  it('clock in and clock out by form; a repeated POST with the same one-time token replays', async () => {
    const page = (await tom.get(`/tickets/${f.tickets.later}`)).html
    const first = await tom.submit(page, `/tickets/${f.tickets.later}/clock_in`)
    expect(first.status).toBe(303)
    expect(first.location).toBe(`/tickets/${f.tickets.later}`)
    const again = await tom.submit(page, `/tickets/${f.tickets.later}/clock_in`)
    expect(again.status).toBe(303)
    const after = (await tom.get(`/tickets/${f.tickets.later}`)).html
    expect(after).toContain('in progress')
    expect(after).toContain('in 09:30')
    // A fresh render of the old form (a new token) is a real second clock-in: refused on the page, not a 500.
    const fresh = (await tom.get(`/tickets/${f.tickets.later}`)).html
    const out = await tom.submit(fresh, `/tickets/${f.tickets.later}/clock_out`)
    expect(out.status).toBe(303)
    const twice = await tom.post(`/tickets/${f.tickets.later}/clock_out`, [
      ['_csrf', hidden(fresh, '_csrf')],
      ['_once', 'another-token-0123456789'],
    ])
    expect(twice.status).toBe(409)
    expect(twice.html).toContain('already clocked out')
    const audits = await f.app.query({ type: 'audit_trail', entity_type: 'ticket', entity_id: f.tickets.later, limit: 100 })
    expect(audits.status).toBe(200)
    expect(audits.body.data.items.filter((a: any) => a.action === 'clock_in')).toHaveLength(1)
  })

  it("a technician cannot open another technician's ticket (403 page); an owner can", async () => {
    const r = await tom.get(`/tickets/${f.tickets.olgas}`)
    expect(r.status).toBe(403)
    expect(r.html).toContain('not assigned to you')
    const post = await tom.post(`/tickets/${f.tickets.olgas}/clock_in`, [
      ['_csrf', hidden((await tom.get(`/tickets/${f.tickets.now}`)).html, '_csrf')],
    ])
    expect(post.status).toBe(403)
    expect((await owner.get(`/tickets/${f.tickets.olgas}`)).status).toBe(200)
  })

  it('bad ids and signed-out visits get pages, never a 500', async () => {
    expect((await tom.get('/tickets/not-a-uuid')).status).toBe(400)
    const missing = await tom.get('/tickets/00000000-0000-4000-8000-000000000000')
    expect(missing.status).toBe(404)
    expect(missing.html).toContain('<!doctype html>')
    const anon = await fetch(`${f.app.url}/today`, { redirect: 'manual' })
    expect(anon.status).toBe(303)
  })

  it('pages are served gzip-compressed when accepted, and fit in 14 KB', async () => {
    for (const path of ['/today', `/tickets/${f.tickets.now}`]) {
      const r = await rawGet(f.app.url + path, tom.cookie)
      expect(r.encoding).toBe('gzip')
      expect(gunzipSync(r.body).toString('utf8')).toContain('Jane Smith')
      expect(r.body.length).toBeLessThanOrEqual(14 * 1024)
    }
    const plain = await tom.get('/today', { 'accept-encoding': 'identity' })
    expect(plain.headers.get('content-encoding')).toBeNull()
  })
})

function hidden(html: string, name: string): string {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`))
  expect(m, `hidden ${name}`).not.toBeNull()
  return m![1]
}

/** The bytes as sent on the wire for a client accepting gzip (fetch would decompress them). */
function rawGet(url: string, cookie: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { cookie: `crm_session=${cookie}`, 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}
