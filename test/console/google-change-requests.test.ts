import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../core/db/tenant.js'
import { visitEventId } from '../../core/domains/google/calendar/visit-event.js'
import { syncGoogleAccount } from '../../core/domains/google/sync/sync-account.js'
import { engines } from '../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../helpers/google.js'
import { okOf, type PageApp, startPageApp } from '../helpers/page-app.js'
import { letters } from '../helpers/fixtures.js'

const PAGE = '/settings/google'
const answer = (id: string, what: 'accept' | 'decline') => `${PAGE}/calendar/changes/${id}/${what}`

/** The session's CSRF token, as the page's forms carry it. */
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

/** The Calendar section of the Google page. */
function calendarPart(html: string): string {
  const start = html.indexOf('<section aria-labelledby="google-calendar">')
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start))
}

describe.each(engines)("changes made in Google Calendar, answered on the owner's Google page (%s)", (engine) => {
  let google: GoogleFixture
  let pages: PageApp
  let tomEmail: string

  const ok = okOf(() => pages.app)
  const sql = async (text: string, params: unknown[] = []) =>
    (await withTenant(pages.app.t.db, { tenantId: pages.app.tenant.tenant_id, actorType: 'system' }, (tx) => tx.query(text, params)))
      .rows as any[]
  const sync = async () => {
    const report = await syncGoogleAccount(pages.app.services, pages.app.tenant.tenant_id, pages.techId, randomUUID())
    expect(report.failed).toEqual({})
    return report
  }
  const openRequests = async () => sql(`select id, ticket_id, status, note from google_change_requests where status = 'open'`)

  /** A visit of Tom's written to his Google calendar, then moved (or deleted) there and read back as a request. */
  async function changedVisit(start: string, end: string, moveTo?: { start: string; end: string }) {
    const contact = await ok('contact', 'create', { display_name: `Jane ${letters(Math.floor(Math.random() * 1e9))}` })
    const ticket = await ok('ticket', 'create', {
      contact_id: contact.id,
      scheduled_start: start,
      scheduled_end: end,
      technician_ids: [pages.techId],
    })
    await sync()
    const eventId = visitEventId(ticket.id, 'primary')
    expect(google.fake.calendar.event(tomEmail, 'primary', eventId)).toBeTruthy()
    if (moveTo) google.fake.calendar.moveEvent(tomEmail, 'primary', eventId, moveTo)
    else google.fake.calendar.deleteEvent(tomEmail, 'primary', eventId)
    await sync()
    const [request] = (await openRequests()).filter((r) => r.ticket_id === ticket.id)
    expect(request).toBeTruthy()
    return { ticket, contact, request }
  }

  beforeAll(async () => {
    google = await googleFixture()
    // The visits stand within the weeks a sync writes ahead of the business's clock.
    pages = await startPageApp(engine, { ...google.services, now: () => new Date('2027-03-01T12:00:00Z') }, { technician: 'signed-in' })
    await sql(`update tenants set timezone = 'America/New_York' where id = app_tenant()`)
    tomEmail = await google.connect(pages.app.t.db, pages.app.tenant.tenant_id, pages.techId, ['calendar'])
  })
  afterAll(async () => {
    await pages?.app.close()
    await google?.close()
  })

  it('a visit moved in Google shows on the page, was and proposed in local time; Accept moves the visit', async () => {
    const { ticket, contact, request } = await changedVisit('2027-03-10T15:00:00Z', '2027-03-10T16:00:00Z', {
      start: '2027-03-10T19:00:00Z',
      end: '2027-03-10T20:30:00Z',
    })
    const page = await pages.owner.get(PAGE)
    expect(page.status).toBe(200)
    const part = calendarPart(page.html)
    expect(part).toContain('Changes made in Google to answer')
    expect(part).toContain(
      `Visit #${ticket.number}</a>, ${contact.display_name}: moved from Wed, Mar 10, 2027, 10:00 AM EST to <b>Wed, Mar 10, 2027, 2:00 PM EST</b>`,
    )
    expect(part).toContain("in Tom Tech's Google calendar")
    expect(part).toContain(`action="${answer(request.id, 'accept')}"`)
    expect(part).toContain(`action="${answer(request.id, 'decline')}"`)

    const done = await pages.owner.submit(page.html, answer(request.id, 'accept'))
    expect(done.status).toBe(200)
    expect(done.html).toContain(
      `Accepted: visit #${ticket.number} moved to Wed, Mar 10, 2027, 2:00 PM EST; the customer is asked to confirm again.`,
    )
    const [moved] = await sql('select scheduled_start, scheduled_end from tickets where id = $1', [ticket.id])
    expect(new Date(moved.scheduled_start).toISOString()).toBe('2027-03-10T19:00:00.000Z')
    expect(new Date(moved.scheduled_end).toISOString()).toBe('2027-03-10T20:30:00.000Z')
    expect(await sql('select status from google_change_requests where id = $1', [request.id])).toEqual([{ status: 'accepted' }])
    expect(calendarPart(done.html)).not.toContain(answer(request.id, 'accept'))

    // Answered once, the same form again is refused with the operation's words.
    const again = await pages.owner.submit(page.html, answer(request.id, 'accept'))
    expect(again.status).toBe(409)
    expect(again.html).toContain('Nothing was changed. This Google change request is accepted, not open')
  })

  it('Decline keeps the visit as booked and marks the request declined, with the note given', async () => {
    const { ticket, request } = await changedVisit('2027-03-11T15:00:00Z', '2027-03-11T16:00:00Z', {
      start: '2027-03-12T15:00:00Z',
      end: '2027-03-12T16:00:00Z',
    })
    const page = await pages.owner.get(PAGE)
    const done = await pages.owner.submit(page.html, answer(request.id, 'decline'), [['note', 'Customer wants Thursday']])
    expect(done.status).toBe(200)
    expect(done.html).toContain(`Declined: visit #${ticket.number} stays as booked`)
    const [kept] = await sql('select scheduled_start from tickets where id = $1', [ticket.id])
    expect(new Date(kept.scheduled_start).toISOString()).toBe('2027-03-11T15:00:00.000Z')
    expect(await sql('select status, note from google_change_requests where id = $1', [request.id])).toEqual([
      { status: 'declined', note: 'Customer wants Thursday' },
    ])
  })

  it('a visit deleted in Google shows as deleted; a technician sees no requests and cannot post the forms', async () => {
    const { ticket, request } = await changedVisit('2027-03-15T15:00:00Z', '2027-03-15T16:00:00Z')
    const part = calendarPart((await pages.owner.get(PAGE)).html)
    expect(part).toContain(`Visit #${ticket.number}</a>`)
    expect(part).toContain('booked Mon, Mar 15, 2027, 11:00 AM EDT, <b>deleted</b>')

    const theirs = await pages.tech.get(PAGE)
    expect(theirs.status).toBe(200)
    expect(theirs.html).not.toContain('Changes made in Google to answer')
    const csrf = csrfOf(theirs.html)
    expect(csrf).not.toBe('')
    for (const what of ['accept', 'decline'] as const) {
      const refused = await pages.tech.post(answer(request.id, what), [['_csrf', csrf]])
      expect(refused.status).toBe(403)
    }
    expect(await sql('select status from google_change_requests where id = $1', [request.id])).toEqual([{ status: 'open' }])
    expect(await sql(`select status from tickets where id = $1`, [ticket.id])).toEqual([{ status: 'scheduled' }])
  })
})
