import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret } from '../../../core/auth/secrets.js'
import { issueResponseLinks } from '../../../core/domains/messages/response-links.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { snapshotTenant } from '../../helpers/tenant-data.js'
import { asTenant, made, newContact, newTicket } from '../../helpers/fixtures.js'

const clock = { now: new Date('2031-03-03T16:00:00Z') }

describe.each(engines)('customers answering appointment emails by link (%s)', (engine) => {
  let app: TestApp
  let jane: string
  beforeAll(async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    app = await startTestApp(engine, { now: () => clock.now })
    jane = await newContact(app, { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' })
  })
  afterAll(() => app.close())

  /** The links delivery would put into the ticket's queued message of a kind. */
  const linksOf = async (ticketId: string, kind = 'confirmation') => {
    const m = expectData(await app.query({ type: 'scheduled_messages', ticket_id: ticketId, kind, status: 'pending' })).items[0]
    return asTenant(app, (tx) =>
      issueResponseLinks(tx, app.services, app.tenant.tenant_id, { id: m.id, kind: m.kind, ticket_id: m.ticket_id }),
    )
  }
  const tokenOf = (link: unknown) => String(link).split('/respond/')[1]
  const get = (link: unknown) => fetch(String(link)).then(async (r) => ({ status: r.status, text: await r.text(), headers: r.headers }))
  const post = (link: unknown, form: Record<string, string>) =>
    fetch(String(link), { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' }).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }))
  const ticketOf = (id: string) =>
    asTenant(
      app,
      async (tx) => (await tx.query('select status, confirmation_status, confirmation_note from tickets where id = $1', [id])).rows[0],
    )
  const kindsByStatus = async (ticketId: string) =>
    Object.fromEntries(
      expectData(await app.query({ type: 'scheduled_messages', ticket_id: ticketId })).items.map((m: any) => [
        `${m.kind}@${new Date(m.send_at).toISOString()}`,
        m.status,
      ]),
    )
  const snapshot = () => snapshotTenant(app.t.admin, app.tenant.tenant_id)

  it('issues three single-purpose links for appointment messages and keeps only their hashes', async () => {
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-06T09:00' })
    const links = await linksOf(t.id)
    expect(Object.keys(links).sort()).toEqual(['change_link', 'confirm_link', 'decline_link'])
    for (const link of Object.values(links)) expect(String(link)).toMatch(new RegExp(`^${app.url}/respond/[A-Za-z0-9_-]{43}$`))
    const stored: any[] = await asTenant(
      app,
      async (tx) =>
        (
          await tx.query(
            `select purpose, token_hash, expires_at, appointment_start from response_links
      where ticket_id = $1 order by purpose`,
            [t.id],
          )
        ).rows,
    )
    expect(stored.map((r: any) => r.purpose)).toEqual(['change', 'confirm', 'decline'])
    expect(stored.find((r: any) => r.purpose === 'confirm').token_hash).toBe(hashSecret(tokenOf(links.confirm_link)))
    const all = JSON.stringify(await snapshot())
    for (const link of Object.values(links)) expect(all).not.toContain(tokenOf(link))
    for (const r of stored) expect(new Date(r.expires_at).toISOString()).toBe('2031-03-06T15:00:00.000Z')
    expect(Object.keys(await linksOf(t.id, 'reminder')).sort()).toEqual(['change_link', 'confirm_link', 'decline_link'])
  })

  it('gives no links to messages that are not about an appointment still ahead', async () => {
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-07T09:00' })
    const reachOut = await app.ownerAction('message', 'schedule', { contact_id: jane, kind: 'reach_out', send_at: '2031-09-01T15:00:00Z' })
    const issue = (m: { id: string; kind: string; ticket_id: string | null }) =>
      asTenant(app, (tx) => issueResponseLinks(tx, app.services, app.tenant.tenant_id, m))
    expect(await issue({ id: reachOut.id, kind: 'reach_out', ticket_id: null })).toEqual({})
    const confirmation = expectData(await app.query({ type: 'scheduled_messages', ticket_id: t.id, kind: 'confirmation' })).items[0]
    await made(app, 'ticket', 'cancel', { ticket_id: t.id, reason: 'moved away' }, 'customer moved away')
    expect(await issue({ id: confirmation.id, kind: 'confirmation', ticket_id: t.id })).toEqual({})
  })

  it('GET shows one button and changes nothing; POST confirms, stops the follow-ups and keeps the reminder', async () => {
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-10T09:00' })
    const links = await linksOf(t.id)
    const before = await snapshot()
    const page = await get(links.confirm_link)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Confirm your appointment')
    expect(page.text).toContain('Monday, March 10, 2031 at 9:00 AM')
    expect(page.text).toContain('Sparkle Windows')
    expect(page.text.match(/<button/g)).toHaveLength(1)
    expect(page.text).toContain(`action="/respond/${tokenOf(links.confirm_link)}"`)
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(await get(links.decline_link)).toMatchObject({ status: 200 })
    expect(await snapshot()).toEqual(before)

    const done = await post(links.confirm_link, { answer: 'confirm' })
    expect(done.status).toBe(200)
    expect(done.text).toContain('your appointment is confirmed')
    expect(await ticketOf(t.id)).toMatchObject({ status: 'confirmed', confirmation_status: 'accepted', confirmation_note: null })
    expect(Object.entries(await kindsByStatus(t.id)).map(([k, s]) => `${k.split('@')[0]}:${s}`)).toEqual([
      'confirmation:cancelled',
      'follow_up:cancelled',
      'follow_up:cancelled',
      'reminder:pending',
    ])
    const audit = expectData(await app.query({ type: 'tickets', id: t.id, include: 'audit_trail' })).audit_trail.at(-1)
    expect(audit).toMatchObject({ action: 'customer_confirm', actor_type: 'system', actor_id: null })
    expect(audit.reasoning).toContain('The customer answered "confirm"')
    expect(audit.changes).toMatchObject({
      status: { old: 'scheduled', new: 'confirmed' },
      confirmation_status: { old: 'pending', new: 'accepted' },
    })

    const again = await post(links.confirm_link, { answer: 'confirm' })
    expect(again.status).toBe(409)
    expect(again.text).toContain('already used')
    expect(again.text).toContain('Your appointment is confirmed')
  })

  it('decline flags the ticket for rescheduling, keeps the note and cancels the reminder too', async () => {
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-11T09:00' })
    const links = await linksOf(t.id)
    const page = await get(links.decline_link)
    expect(page.text).toContain('<textarea name="note"')
    const done = await post(links.decline_link, { answer: 'decline', note: '  Out of town that week  ' })
    expect(done.status).toBe(200)
    expect(await ticketOf(t.id)).toMatchObject({
      status: 'scheduled',
      confirmation_status: 'declined',
      confirmation_note: 'Out of town that week',
    })
    expect(Object.values(await kindsByStatus(t.id)).every((s) => s === 'cancelled')).toBe(true)
  })

  it("a change request keeps the customer's note with card numbers and SSNs redacted, and records the redaction", async () => {
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-12T09:00' })
    const links = await linksOf(t.id)
    // A customer who confirmed first and then asks for another time is no longer confirmed.
    await post(links.confirm_link, { answer: 'confirm' })
    const done = await post(links.change_link, { answer: 'change', note: 'Afternoons please. Card 4111 1111 1111 1111, SSN 123-45-6789' })
    expect(done.status).toBe(200)
    expect(done.text).toContain('we will be in touch')
    const ticket = await ticketOf(t.id)
    expect(ticket).toMatchObject({ status: 'scheduled', confirmation_status: 'change_requested' })
    expect(ticket.confirmation_note).toBe('Afternoons please. Card [REDACTED], SSN [REDACTED]')
    const events = await asTenant(
      app,
      async (tx) => (await tx.query(`select kind, layer, field from security_events where entity_id = $1 order by kind`, [t.id])).rows,
    )
    expect(events).toEqual([
      { kind: 'card', layer: 'page', field: 'confirmation_note' },
      { kind: 'ssn', layer: 'page', field: 'confirmation_note' },
    ])
    expect((await kindsByStatus(t.id))['reminder@2031-03-11T14:00:00.000Z']).toBe('pending')
  })

  it('refuses forged, malformed, wrong-purpose, expired and outdated links with a clear page, changing nothing', async () => {
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-13T09:00' })
    const links = await linksOf(t.id)
    const before = await snapshot()
    const forged = `${app.url}/respond/${'A'.repeat(43)}`
    expect(await post(forged, { answer: 'confirm' })).toMatchObject({ status: 404 })
    expect((await get(forged)).text).toContain('This link is not valid')
    expect(await get(`${app.url}/respond/not-a-token`)).toMatchObject({ status: 404 })
    const wrong = await post(links.decline_link, { answer: 'confirm' })
    expect(wrong.status).toBe(400)
    expect(wrong.text).toContain('cannot give that answer')
    expect(await post(links.confirm_link, {})).toMatchObject({ status: 400 })
    expect(await snapshot()).toEqual(before)

    clock.now = new Date('2031-03-13T14:00:01Z') // the appointment has started
    const late = await post(links.confirm_link, { answer: 'confirm' })
    expect(late.status).toBe(410)
    expect(late.text).toContain('expired')
    expect(await get(links.confirm_link)).toMatchObject({ status: 410 })
    expect(await snapshot()).toEqual(before)

    clock.now = new Date('2031-03-03T16:00:00Z')
    await made(app, 'ticket', 'reschedule', { ticket_id: t.id, scheduled_start: '2031-03-20T09:00' })
    const moved = await post(links.confirm_link, { answer: 'confirm' })
    expect(moved.status).toBe(410)
    expect(moved.text).toContain('moved to a new time')
    expect((await ticketOf(t.id)).confirmation_status).toBe('pending')
    // The links of the new confirmation work.
    const fresh = await linksOf(t.id)
    expect(await post(fresh.confirm_link, { answer: 'confirm' })).toMatchObject({ status: 200 })
  })

  it("says so when the appointment was cancelled, and keeps one business's links away from another", async () => {
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-14T09:00' })
    const links = await linksOf(t.id)
    await made(app, 'ticket', 'cancel', { ticket_id: t.id, reason: 'rain' }, 'weather')
    const res = await post(links.confirm_link, { answer: 'confirm' })
    expect(res.status).toBe(409)
    expect(res.text).toContain('was cancelled')
    expect(await ticketOf(t.id)).toMatchObject({ status: 'cancelled', confirmation_status: 'pending' })

    const other = await app.createTenant('Other Windows')
    const seen = await asTenant(
      { ...app, tenant: { ...app.tenant, tenant_id: other.tenant_id } } as TestApp,
      async (tx) => (await tx.query('select count(*)::int as n from response_links')).rows[0].n,
    )
    expect(seen).toBe(0)
  })
})
