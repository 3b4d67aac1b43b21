import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../console/csp.js'
import { CLOSEOUT_SCRIPT } from '../../console/technician/closeout/script.js'
import { OFFLINE_PAGE_SCRIPT } from '../../console/technician/offline/page-script.js'
import { engines } from '../helpers/databases.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import { hiddenFields, NOW, pageClient, techFixture, type PageClient, type TechFixture } from '../helpers/technician-fixture.js'

/** The copy instructions a page carries for the phone, or null when the phone must not keep it. */
const copyOf = (r: { headers: Headers }) => {
  const h = r.headers.get('x-offline-copy')
  return h === null ? null : JSON.parse(h)
}

describe.each(engines)('technician pages kept for offline, and clock presses sent later (%s)', (engine) => {
  let f: TechFixture
  let tom: PageClient
  let owner: PageClient
  let tomorrow: string
  beforeAll(async () => {
    f = await techFixture(engine)
    tom = await pageClient(f.app, 'tom@sparkle.test')
    owner = await pageClient(f.app, 'owner@sparkle.test')
    tomorrow = (await f.book('2026-11-06T10:00', [f.techId])).id
  })
  afterAll(async () => {
    await f?.app.close()
  })
  const clockOf = async (id: string) =>
    (await f.app.query({ type: 'tickets', id, include: 'technicians' })).body.data.technicians.find((t: any) => t.user_id === f.techId)
  const clockAudits = async (id: string) =>
    (await f.app.query({ type: 'audit_trail', entity_type: 'ticket', entity_id: id, limit: 100 })).body.data.items.filter((a: any) =>
      /^clock_/.test(a.action),
    )

  it('Today is kept until the day ends, with tomorrow and my own tickets to save along, and a saved-at line in business time', async () => {
    const r = await tom.get('/today')
    const copy = copyOf(r)
    expect(copy).toMatchObject({
      url: '/today?date=2026-11-05',
      date: '2026-11-05',
      day: '2026-11-05',
      from: '2026-11-05T06:00:00.000Z',
      until: '2026-11-06T06:00:00.000Z',
      saved: 'Saved at 09:30 on Thu 2026-11-05',
    })
    expect(copy.fetch).toEqual(['/today?date=2026-11-06', `/tickets/${f.tickets.now}`, `/tickets/${f.tickets.later}`])
    expect(copy.person).toMatch(/^[0-9a-f]{24}$/)
    expect(copy.person).not.toContain(f.techId.replace(/-/g, '').slice(0, 24))
    expect(r.headers.get('cache-control')).toBe('no-store')
    const next = copyOf(await tom.get('/today?date=2026-11-06'))
    expect(next).toMatchObject({
      url: '/today?date=2026-11-06',
      day: '2026-11-06',
      until: '2026-11-07T06:00:00.000Z',
      fetch: [`/tickets/${tomorrow}`],
    })
    expect(next.person).toBe(copy.person)
  })

  it('nothing beyond tomorrow, no week or month view, and no owner page is kept', async () => {
    expect(copyOf(await tom.get('/today?date=2026-11-07'))).toBeNull()
    expect(copyOf(await tom.get('/today?date=2026-11-04'))).toBeNull()
    expect(copyOf(await tom.get('/today?view=week'))).toBeNull()
    expect(copyOf(await tom.get(`/tickets/${f.tickets.future}`))).toBeNull()
    const own = await owner.get('/today')
    expect(own.status).toBe(200)
    expect(copyOf(own)).toBeNull()
    expect(copyOf(await owner.get(`/tickets/${f.tickets.now}`))).toBeNull()
  })

  it('a ticket of today or tomorrow is kept until its day ends; its clock buttons go through the page script', async () => {
    const r = await tom.get(`/tickets/${tomorrow}`)
    expect(copyOf(r)).toMatchObject({ url: `/tickets/${tomorrow}`, date: '2026-11-06', until: '2026-11-07T06:00:00.000Z', fetch: [] })
    expect(copyOf(r).day).toBeUndefined()
    expect(r.html).toContain(`<form method="post" action="/tickets/${tomorrow}/clock_in" data-clock="America/Chicago">`)
    expect(r.html).toMatch(/<script>\(function\(\)\{/)
  })

  it("access: signed out is sent to sign in, another technician's ticket is refused, another business's ticket is not found; no copy", async () => {
    const anon = await fetch(`${f.app.url}/tickets/${f.tickets.now}`, { redirect: 'manual' })
    expect(anon.status).toBe(303)
    expect(anon.headers.get('x-offline-copy')).toBeNull()
    const olgas = await tom.get(`/tickets/${f.tickets.olgas}`)
    expect(olgas.status).toBe(403)
    expect(copyOf(olgas)).toBeNull()
    const other = await f.app.createTenant('Elsewhere Windows')
    const theirs = await f.app.call(
      'POST',
      '/api/actions',
      { domain: 'contact', action: 'create', data: { display_name: 'Not Yours' } },
      { authorization: `Bearer ${other.agent_token}` },
    )
    expect(theirs.status).toBe(200)
    const foreign = await f.app.call(
      'POST',
      '/api/actions',
      {
        domain: 'ticket',
        action: 'create',
        data: { contact_id: theirs.body.data.id, scheduled_start: '2026-11-05T12:00', duration_minutes: 60 },
      },
      { authorization: `Bearer ${other.agent_token}` },
    )
    expect(foreign.status).toBe(200)
    const missing = await tom.get(`/tickets/${foreign.body.data.id}`)
    expect(missing.status).toBe(404)
    expect(copyOf(missing)).toBeNull()
    const post = await tom.post(`/tickets/${foreign.body.data.id}/clock_in`, [
      ...hiddenFields((await tom.get(`/tickets/${f.tickets.now}`)).html, `/tickets/${f.tickets.now}/clock_in`),
      ['at', '2026-11-05T15:00:00.000Z'],
    ])
    expect(post.status).toBe(404)
  })

  it('the service worker is served from the root under its own narrow policy; pages allow a worker from this site only', async () => {
    const sw = await fetch(`${f.app.url}/sw.js`)
    expect(sw.status).toBe(200)
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(sw.headers.get('content-security-policy')).toBe("default-src 'none'; connect-src 'self'; frame-ancestors 'none'")
    const text = await sw.text()
    expect(text).toMatch(/addEventListener\(["']fetch["']/)
    expect(text).toContain('Not saved on this phone')
    for (const [name, source] of [
      ['service worker', text],
      ['Today and ticket script', OFFLINE_PAGE_SCRIPT],
      ['close-out script', CLOSEOUT_SCRIPT],
    ]) {
      expect(() => new Function(source), name).not.toThrow()
    }
    expect(CONTENT_SECURITY_POLICY).toContain("worker-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'")
  })

  it('a press kept on the phone counts from when it was pressed, and its replay after a lost answer clocks once', async () => {
    const page = (await tom.get(`/tickets/${f.tickets.now}`)).html
    const fields = [
      ...hiddenFields(page, `/tickets/${f.tickets.now}/clock_in`).filter(([k]) => k !== '_once'),
      ['_once', 'kept-press-0123456789abcdef'],
      ['at', '2026-11-05T14:02:00.000Z'],
    ] as Array<[string, string]>
    const first = await tom.post(`/tickets/${f.tickets.now}/clock_in`, fields)
    expect(first.status).toBe(303)
    expect(first.location).toBe(`/tickets/${f.tickets.now}`)
    const again = await tom.post(`/tickets/${f.tickets.now}/clock_in`, fields)
    expect(again.status).toBe(303)
    expect((await clockOf(f.tickets.now)).clock_in_at).toBe('2026-11-05T14:02:00.000Z')
    const audits = await clockAudits(f.tickets.now)
    expect(audits.map((a: any) => a.action)).toEqual(['clock_in'])
    expect(audits[0].changes.time_given.new).toEqual({ at: '2026-11-05T14:02:00.000Z', asked: '2026-11-05T14:02:00.000Z' })
  })

  it('a press whose live try ran and whose kept copy (same token, with its time) comes again is answered as done, once', async () => {
    const page = (await tom.get(`/tickets/${f.tickets.now}`)).html
    const base = hiddenFields(page, `/tickets/${f.tickets.now}/clock_out`).filter(([k]) => k !== '_once')
    const live = await tom.post(`/tickets/${f.tickets.now}/clock_out`, [...base, ['_once', 'live-then-kept-0123456789']])
    expect(live.status).toBe(303)
    const kept = await tom.post(`/tickets/${f.tickets.now}/clock_out`, [
      ...base,
      ['_once', 'live-then-kept-0123456789'],
      ['at', '2026-11-05T15:29:00.000Z'],
    ])
    expect(kept.status).toBe(303)
    expect((await clockOf(f.tickets.now)).clock_out_at).toBe(NOW.toISOString())
    expect((await clockAudits(f.tickets.now)).map((a: any) => a.action).sort()).toEqual(['clock_in', 'clock_out'])
  })

  it('a pressed time more than 24 hours back, in the future or not a time is refused on the page, naming the field; nothing is written', async () => {
    const page = (await tom.get(`/tickets/${f.tickets.later}`)).html
    const base = hiddenFields(page, `/tickets/${f.tickets.later}/clock_in`).filter(([k]) => k !== '_once')
    const cases: Array<[string, RegExp]> = [
      ['2026-11-04T15:00:00.000Z', /at: is more than 24 hours ago/],
      ['2026-11-05T16:00:00.000Z', /at: is in the future/],
      ['soon', /data\.at: expected a real date and time in ISO 8601/],
    ]
    for (const [i, [at, message]] of cases.entries()) {
      const r = await tom.post(`/tickets/${f.tickets.later}/clock_in`, [...base, ['_once', `refused-press-${i}-0123456789`], ['at', at]])
      expect(r.status, at).toBe(400)
      expect(r.html, at).toMatch(message)
      expect(r.html, at).toContain('class="err"')
    }
    expect((await clockOf(f.tickets.later)).clock_in_at).toBeNull()
    expect(await clockAudits(f.tickets.later)).toEqual([])
    const agent = await f.app.action('ticket', 'clock_in', { ticket_id: f.tickets.later, at: '2026-11-04T15:29:00Z' })
    expect(agent.status).toBe(400)
    expect(agent.body.error.details.issues[0].field).toBe('data.at')
  })

  it('a kept page escapes what it shows, and its copy instructions carry no record text', async () => {
    const contact = (await f.app.action('contact', 'create', { display_name: PAYLOAD })).body.data.id
    const address = (
      await f.app.action('address', 'add', {
        contact_id: contact,
        line1: PAYLOAD,
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
        access_notes: PAYLOAD,
      })
    ).body.data.id
    const hostile = (
      await f.app.action('ticket', 'create', {
        contact_id: contact,
        address_id: address,
        scheduled_start: '2026-11-06T15:00',
        duration_minutes: 60,
        technician_ids: [f.techId],
        notes: PAYLOAD,
      })
    ).body.data.id
    for (const path of [`/tickets/${hostile}`, '/today?date=2026-11-06']) {
      const r = await tom.get(path)
      expect(r.status, path).toBe(200)
      expectEscaped(r, path)
      expect(r.headers.get('x-offline-copy'), path).not.toMatch(/[<>'&]|Neil/)
    }
  })
})
