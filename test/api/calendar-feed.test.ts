import { randomUUID } from 'node:crypto'
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { performAction, performQuery } from '../../core/kernel/operations.js'
import { engines } from '../helpers/databases.js'
import { techFixture, type TechFixture } from '../helpers/technician-fixture.js'
import { awayFromWindowEdge } from '../helpers/rate-windows.js'

/** What a calendar app gets from a feed address. */
interface Fetched {
  status: number
  headers: Headers
  text: string
}

describe.each(engines)('calendar feeds (%s)', (engine) => {
  let f: TechFixture
  let owner: Principal
  let tom: Principal
  let olga: Principal
  beforeAll(async () => {
    f = await techFixture(engine)
    const tenantId = f.app.tenant.tenant_id
    owner = { tenantId, actor: { type: 'user', id: f.app.tenant.owner_user_id, role: 'owner' } }
    tom = { tenantId, actor: { type: 'user', id: f.techId, role: 'technician' } }
    olga = { tenantId, actor: { type: 'user', id: f.otherTechId, role: 'technician' } }
  })
  afterAll(async () => {
    await f?.app.close()
  })

  const act = async (who: Principal, action: string, data: unknown): Promise<any> =>
    (await performAction(f.app.services, who, { domain: 'calendar_feed', action, data }, { requestId: randomUUID() })).result
  const codeOf = async (call: Promise<unknown>): Promise<string | null> => {
    try {
      await call
      return null
    } catch (err) {
      if (err instanceof AppError) return err.code
      throw err
    }
  }
  const fetchFeed = async (url: string, headers: Record<string, string> = {}): Promise<Fetched> => {
    const res = await fetch(url, { headers })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }
  const events = (text: string) =>
    new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => ({
      uid: String(v.getFirstPropertyValue('uid')),
      summary: String(v.getFirstPropertyValue('summary')),
      location: String(v.getFirstPropertyValue('location') ?? ''),
      description: String(v.getFirstPropertyValue('description')),
      status: String(v.getFirstPropertyValue('status')),
      sequence: Number(v.getFirstPropertyValue('sequence')),
      url: String(v.getFirstPropertyValue('url')),
      start: (v.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate(),
      end: (v.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate(),
    }))
  const idOf = (uid: string) => uid.split('@')[0]

  it('the business feed is a valid iCalendar with one event per ticket: customer, services, address, phone and gate code', async () => {
    const made = await act(owner, 'create', { user_id: null })
    expect(made.scope).toBe('business')
    expect(made.https_url).toMatch(new RegExp(`^${f.app.url}/calendar/[A-Za-z0-9_-]{43}\\.ics$`))
    expect(made.webcal_url).toBe(made.https_url.replace(/^http:\/\//, 'webcal://'))
    expect(JSON.stringify(made)).not.toContain('token_hash')
    const r = await fetchFeed(made.https_url)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    const cal = new ICAL.Component(ICAL.parse(r.text))
    expect(cal.getFirstPropertyValue('version')).toBe('2.0')
    expect(cal.getFirstPropertyValue('method')).toBe('PUBLISH')
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Sparkle Windows')
    expect(String(cal.getFirstPropertyValue('prodid'))).toContain('Calendar feed')
    const all = events(r.text)
    expect(all.map((e) => idOf(e.uid)).sort()).toEqual(Object.values(f.tickets).sort())
    const now = all.find((e) => idOf(e.uid) === f.tickets.now)!
    expect(now.uid).toBe(`${f.tickets.now}@127.0.0.1`)
    expect(now.summary).toBe('Jane Smith – Window cleaning')
    expect(now.location).toBe('12 Oak Street, Huntsville, AL 35801')
    expect(now.description).toContain('Gate/access: Gate code 4821')
    expect(now.description).toContain('Phone: (256) 555-0142')
    expect(now.description).toContain('Notes: Side door is open')
    expect(now.description).toContain('Technicians: Tom Tech')
    expect(now.status).toBe('TENTATIVE')
    expect(now.url).toBe(`${f.app.url}/tickets/${f.tickets.now}`)
    // 09:00-10:00 in Chicago on 2026-11-05.
    expect(now.start.toISOString()).toBe('2026-11-05T15:00:00.000Z')
    expect(now.end.toISOString()).toBe('2026-11-05T16:00:00.000Z')
    expect(r.text).toMatch(/DTSTART:20261105T150000Z\r\n/)
  })

  it("a technician's feed holds only the tickets assigned to them; they make only their own", async () => {
    const mine = await act(tom, 'create', { user_id: f.techId })
    expect(mine).toMatchObject({ scope: 'technician', user_id: f.techId })
    const ids = events((await fetchFeed(mine.https_url)).text)
      .map((e) => idOf(e.uid))
      .sort()
    expect(ids).toEqual([f.tickets.now, f.tickets.later, f.tickets.future].sort())
    expect(await codeOf(act(tom, 'create', { user_id: f.otherTechId }))).toBe('FORBIDDEN')
    expect(await codeOf(act(tom, 'create', { user_id: null }))).toBe('FORBIDDEN')
    // The owner may make one for any team member.
    const olgas = await act(owner, 'create', { user_id: f.otherTechId })
    expect(events((await fetchFeed(olgas.https_url)).text).map((e) => idOf(e.uid))).toEqual([f.tickets.olgas])
    const listed = (await performQuery(f.app.services, tom, { type: 'calendar_feeds' }, { requestId: randomUUID() })) as { items: any[] }
    expect(listed.items.map((i) => i.id)).toEqual([mine.id])
    expect(await codeOf(act(tom, 'revoke', { calendar_feed_id: olgas.id }))).toBe('FORBIDDEN')
    expect(await codeOf(act(olga, 'revoke', { calendar_feed_id: mine.id }))).toBe('FORBIDDEN')
  })

  it('an agent may never make a feed, and sees feeds without any secret', async () => {
    const r = await f.app.action('calendar_feed', 'create', { user_id: null }, { reasoning: 'The owner asked for a calendar link' })
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('FORBIDDEN')
    const list = await f.app.query({ type: 'calendar_feeds' })
    expect(list.status).toBe(200)
    expect(list.body.data.items.length).toBeGreaterThanOrEqual(3)
    expect(JSON.stringify(list.body.data)).not.toMatch(/token|hash|\.ics/)
  })

  it('escapes commas, semicolons, backslashes and line breaks, folds long lines at 75 octets, and keeps UTF-8 whole', async () => {
    const notes =
      'Gate; code, "4821" \\ back\nKey under the mat — ключ под ковриком, 鍵はマットの下 🔑. ' +
      'Ring twice; the dog (Biscuit) is friendly, but keep the side gate closed, please. '.repeat(3).trim()
    const booked = await f.book('2026-11-06T08:00', [f.techId], { notes })
    const made = await act(owner, 'create', { user_id: null })
    const r = await fetchFeed(made.https_url)
    expect(r.text.endsWith('\r\n')).toBe(true)
    expect(r.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
    const lines = r.text.split('\r\n').slice(0, -1)
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75)
    expect(lines.filter((l) => l.startsWith(' ')).length).toBeGreaterThan(3)
    expect(r.text).not.toContain('\uFFFD')
    const unfolded = r.text.replace(/\r\n /g, '')
    expect(unfolded).toContain('Gate\\; code\\, "4821" \\\\ back\\nKey under the mat')
    const event = events(r.text).find((e) => idOf(e.uid) === booked.id)!
    expect(event.description).toContain(`Notes: ${notes}`)
  })

  it('a cancelled ticket stays in the feed as a cancelled event with a higher SEQUENCE', async () => {
    const made = await act(owner, 'create', { user_id: f.techId })
    const before = events((await fetchFeed(made.https_url)).text).find((e) => idOf(e.uid) === f.tickets.future)!
    expect(before.status).toBe('TENTATIVE')
    const cancelled = await f.app.action(
      'ticket',
      'cancel',
      { ticket_id: f.tickets.future, reason: 'Customer travels; will call back' },
      { reasoning: 'The customer asked by phone' },
    )
    expect(cancelled.status, JSON.stringify(cancelled.body.error)).toBe(200)
    const after = events((await fetchFeed(made.https_url)).text).find((e) => idOf(e.uid) === f.tickets.future)!
    expect(after.status).toBe('CANCELLED')
    expect(after.summary).toBe('Cancelled: Jane Smith – Window cleaning')
    expect(after.description).toContain('Cancelled: Customer travels; will call back')
    expect(after.sequence).toBeGreaterThan(before.sequence)
  })

  it('answers 304 to a calendar holding the current version, and 200 once a ticket changed', async () => {
    const made = await act(owner, 'create', { user_id: null })
    const first = await fetchFeed(made.https_url)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    expect(first.headers.get('last-modified')).toBeTruthy()
    const same = await fetch(made.https_url, { headers: { 'if-none-match': etag } })
    expect(same.status).toBe(304)
    expect(await same.text()).toBe('')
    const moved = await f.app.action('ticket', 'update', { ticket_id: f.tickets.later, notes: 'Bring the long ladder' })
    expect(moved.status, JSON.stringify(moved.body.error)).toBe(200)
    const changed = await fetchFeed(made.https_url, { 'if-none-match': etag })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
    expect(changed.text.replace(/\r\n /g, '')).toContain('Bring the long ladder')
  })

  it('a revoked feed is a bare 404 at once, as is an unknown one; the fetch is stamped', async () => {
    const made = await act(tom, 'create', { user_id: f.techId })
    expect((await fetchFeed(made.https_url)).status).toBe(200)
    const listed = (await performQuery(f.app.services, owner, { type: 'calendar_feeds', id: made.id }, { requestId: randomUUID() })) as any
    expect(listed.last_fetched_at).not.toBeNull()
    const revoked = await act(tom, 'revoke', { calendar_feed_id: made.id })
    expect(revoked.revoked_at).not.toBeNull()
    const gone = await fetchFeed(made.https_url)
    expect(gone.status).toBe(404)
    expect(gone.text).toBe('Not found\n')
    expect(gone.headers.get('content-type')).toMatch(/^text\/plain/)
    expect((await fetchFeed(made.webcal_url.replace('webcal://', 'http://'))).status).toBe(404)
    // Revoking again changes nothing.
    expect((await act(tom, 'revoke', { calendar_feed_id: made.id })).revoked_at).toEqual(revoked.revoked_at)
    expect((await fetchFeed(`${f.app.url}/calendar/${'A'.repeat(43)}.ics`)).status).toBe(404)
    expect((await fetchFeed(`${f.app.url}/calendar/not-a-feed`)).status).toBe(404)
    const audit = await f.app.query({ type: 'audit_trail', entity_type: 'calendar_feed', entity_id: made.id })
    expect(audit.body.data.items.map((a: any) => a.action)).toEqual(['revoke', 'create'])
  })

  it('a repeated Idempotency-Key answers without the address, and no stored answer holds it', async () => {
    const key = `feed-${randomUUID()}`
    const call = { domain: 'calendar_feed', action: 'create', data: { user_id: f.techId } }
    const first = await performAction(f.app.services, tom, call, { requestId: randomUUID(), idempotencyKey: key })
    const made = first.result as any
    expect(made.https_url).toMatch(/\/calendar\/.+\.ics$/)
    const again = await performAction(f.app.services, tom, call, { requestId: randomUUID(), idempotencyKey: key })
    expect(again.replayed).toBe(true)
    expect(again.result).toMatchObject({ id: made.id, https_url: null, webcal_url: null })
    expect((again.result as any).secrets_shown_once).toMatch(/https_url and webcal_url/)
    const secret = made.https_url.split('/calendar/')[1].replace('.ics', '')
    const stored = await f.app.t.admin.query('select response::text as response from idempotency_keys where key = $1', [key])
    expect(stored.rows).toHaveLength(1)
    expect(String(stored.rows[0].response)).not.toContain(secret)
    expect((await fetchFeed(made.https_url)).status).toBe(200)
  })

  it('another business neither sees nor revokes these feeds, and its feed holds none of these tickets', async () => {
    const other = await f.app.createTenant('Rival Windows')
    const rival: Principal = { tenantId: other.tenant_id, actor: { type: 'user', id: other.owner_user_id, role: 'owner' } }
    const ours = await act(owner, 'create', { user_id: null })
    expect(await codeOf(act(rival, 'revoke', { calendar_feed_id: ours.id }))).toBe('NOT_FOUND')
    expect(await codeOf(act(rival, 'create', { user_id: f.techId }))).toBe('NOT_FOUND')
    const seen = (await performQuery(f.app.services, rival, { type: 'calendar_feeds' }, { requestId: randomUUID() })) as {
      items: unknown[]
    }
    expect(seen.items).toEqual([])
    const theirs = await act(rival, 'create', { user_id: null })
    const text = (await fetchFeed(theirs.https_url)).text
    expect(events(text)).toEqual([])
    expect(new ICAL.Component(ICAL.parse(text)).getFirstPropertyValue('x-wr-calname')).toBe('Rival Windows')
    expect((await fetchFeed(ours.https_url)).status).toBe(200)
  })

  it('one feed fetched more than 60 times in 15 minutes is refused with 429 and Retry-After', async () => {
    await awayFromWindowEdge()
    const made = await act(owner, 'create', { user_id: f.otherTechId })
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) statuses.push((await fetch(made.https_url, { method: 'HEAD' })).status)
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true)
    expect(statuses[60]).toBe(429)
    const refused = await fetch(made.https_url)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('guessing addresses is rate limited per client', async () => {
    let status = 0
    for (let i = 0; i < 30 && status !== 429; i++) status = (await fetchFeed(`${f.app.url}/calendar/${randomUUID()}.ics`)).status
    expect(status).toBe(429)
  })
})
