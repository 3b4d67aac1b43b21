import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { address, auditActions, countAsTenant, newContact, service, ticket } from '../../helpers/fixtures.js'

describe.each(engines)('waitlist through the API (%s)', (engine) => {
  let app: TestApp
  let ann: string
  let annHome: string
  let gutters: string
  beforeAll(async () => {
    // Tuesday 10 March 2026, 11:00 in Chicago.
    app = await startTestApp(engine, { now: () => new Date('2026-03-10T16:00:00Z') })
    ann = await newContact(app, { display_name: 'Ann Waiting', phone: '(256) 555-0101' })
    annHome = await address(app, ann, { line1: '1 Elm St', city: 'Huntsville', postal_code: '35801' })
    gutters = await service(app, { name: 'Gutter Cleaning', price_cents: 15000 })
  })
  afterAll(() => app.close())

  it('adds an entry with defaults from today, reads it with the contact name and its audit trail', async () => {
    const r = await app.action('waitlist', 'add', {
      contact_id: ann,
      service_id: gutters,
      address_id: annHome,
      latest_date: '2026-04-30',
      preferred_days: ['tue', 'thu', 'tue'],
      notes: 'Any cancellation is fine',
    })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    expect(r.body.data).toMatchObject({
      status: 'waiting',
      earliest_date: '2026-03-10',
      latest_date: '2026-04-30',
      preferred_days: ['tue', 'thu'],
      time_of_day: 'any',
      ticket_id: null,
    })
    const read = await app.query({ type: 'waitlist', id: r.body.data.id, include: 'audit_trail' })
    expect(read.body.data).toMatchObject({ contact_name: 'Ann Waiting', service_id: gutters })
    expect(read.body.data.audit_trail.map((a: any) => a.action)).toEqual(['create'])
    const byContact = await app.query({ type: 'waitlist', contact_id: ann })
    expect(byContact.body.data.items.map((e: any) => e.id)).toEqual([r.body.data.id])

    const second = await app.action('waitlist', 'add', { contact_id: ann, service_id: gutters, latest_date: '2026-05-30' })
    expect(second.status).toBe(409)
    expect(second.body.error.details.waitlist_entry_id).toBe(r.body.data.id)
  })

  it('refuses bad dates, days and references, naming the field, and writes nothing', async () => {
    const other = await newContact(app, { display_name: 'Other Person' })
    const otherHome = await address(app, other, { line1: '9 Oak St', city: 'Madison', postal_code: '35758' })
    const before = await countAsTenant(app, 'waitlist_entries')
    const field = async (data: Record<string, unknown>) => {
      const r = await app.action('waitlist', 'add', { contact_id: other, latest_date: '2026-04-01', ...data })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
      return r.body.error.details.issues.map((i: any) => i.field)
    }
    expect(await field({ earliest_date: '2026-04-10' })).toEqual(['data.latest_date'])
    expect(await field({ earliest_date: '2026-02-01', latest_date: '2026-03-01' })).toEqual(['data.latest_date'])
    expect(await field({ preferred_days: ['someday'] })).toEqual(['data.preferred_days.0'])
    expect(await field({ time_of_day: 'evening' })).toEqual(['data.time_of_day'])
    expect(await field({ latest_date: '2026-13-01' })).toEqual(['data.latest_date'])
    expect(await field({ address_id: annHome })).toEqual(['data.address_id'])
    const missing = await app.action('waitlist', 'add', { contact_id: other })
    expect(missing.body.error.details.issues.map((i: any) => i.field)).toEqual(['data.latest_date'])
    const nobody = await app.action('waitlist', 'add', { contact_id: '00000000-0000-4000-8000-000000000077', latest_date: '2026-04-01' })
    expect(nobody.status).toBe(404)
    expect(await countAsTenant(app, 'waitlist_entries')).toBe(before)
    const ok = await app.action('waitlist', 'add', { contact_id: other, address_id: otherHome, latest_date: '2026-04-01' })
    expect(ok.status).toBe(200)
  })

  it('updates an open entry, offers it, and audits each change', async () => {
    const bob = await newContact(app, { display_name: 'Bob Update' })
    const e = (await app.action('waitlist', 'add', { contact_id: bob, earliest_date: '2026-03-15', latest_date: '2026-03-31' })).body.data
    const r = await app.action('waitlist', 'update', {
      waitlist_entry_id: e.id,
      latest_date: '2026-04-15',
      preferred_days: ['mon'],
      time_of_day: 'morning',
      status: 'offered',
    })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    expect(r.body.data).toMatchObject({ latest_date: '2026-04-15', preferred_days: ['mon'], time_of_day: 'morning', status: 'offered' })
    const bad = await app.action('waitlist', 'update', { waitlist_entry_id: e.id, earliest_date: '2026-05-01' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.issues[0].field).toBe('data.latest_date')
    const trail = await app.query({ type: 'audit_trail', entity_id: e.id, action: 'update' })
    expect(trail.body.data.items[0].changes).toMatchObject({
      status: { old: 'waiting', new: 'offered' },
      latest_date: { old: '2026-03-31', new: '2026-04-15' },
    })
    const back = await app.action('waitlist', 'update', { waitlist_entry_id: e.id, status: 'waiting', notes: 'Declined Thursday' })
    expect(back.body.data).toMatchObject({ status: 'waiting', notes: 'Declined Thursday' })
    expect(await auditActions(app, 'waitlist_entry', e.id)).toEqual(['create', 'update', 'update'])
  })

  it('removes an entry, keeps it for history, and refuses to change it afterwards', async () => {
    const cy = await newContact(app, { display_name: 'Cy Remove' })
    const e = (await app.action('waitlist', 'add', { contact_id: cy, latest_date: '2026-03-31' })).body.data
    const r = await app.action('waitlist', 'remove', { waitlist_entry_id: e.id })
    expect(r.body.data.status).toBe('removed')
    expect(Date.parse(r.body.data.archived_at)).not.toBeNaN()
    expect((await app.action('waitlist', 'remove', { waitlist_entry_id: e.id })).body.data).toMatchObject({
      status: 'removed',
      archived_at: r.body.data.archived_at,
    })
    const list = await app.query({ type: 'waitlist', limit: 100 })
    expect(list.body.data.items.map((x: any) => x.id)).not.toContain(e.id)
    expect((await app.query({ type: 'waitlist', status: 'removed' })).body.data.items.map((x: any) => x.id)).toContain(e.id)
    const update = await app.action('waitlist', 'update', { waitlist_entry_id: e.id, notes: 'again' })
    expect(update.status).toBe(409)
    expect(update.body.error.details).toMatchObject({ from: 'removed' })
    expect(await auditActions(app, 'waitlist_entry', e.id)).toEqual(['create', 'remove'])
    const readd = await app.action('waitlist', 'add', { contact_id: cy, latest_date: '2026-03-31' })
    expect(readd.status).toBe(200)
  })

  it("marks an entry scheduled with the contact's ticket, and refuses another contact's ticket", async () => {
    const dee = await newContact(app, { display_name: 'Dee Booked' })
    const e = (await app.action('waitlist', 'add', { contact_id: dee, latest_date: '2026-03-31' })).body.data
    const othersTicket = await ticket(app, ann, [{ description: 'Windows', unit_price_cents: 10000 }])
    const wrong = await app.action('waitlist', 'mark_scheduled', { waitlist_entry_id: e.id, ticket_id: othersTicket.id })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.details.issues[0].field).toBe('data.ticket_id')
    const own = await ticket(app, dee, [{ description: 'Windows', unit_price_cents: 10000 }])
    const r = await app.action('waitlist', 'mark_scheduled', { waitlist_entry_id: e.id, ticket_id: own.id })
    expect(r.body.data).toMatchObject({ status: 'scheduled', ticket_id: own.id })
    expect((await app.action('waitlist', 'mark_scheduled', { waitlist_entry_id: e.id, ticket_id: own.id })).status).toBe(200)
    const remove = await app.action('waitlist', 'remove', { waitlist_entry_id: e.id })
    expect(remove.status).toBe(409)
    expect(await auditActions(app, 'waitlist_entry', e.id)).toEqual(['create', 'mark_scheduled'])
  })
})
