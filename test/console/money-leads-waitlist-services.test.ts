import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../helpers/envelope-assertions.js'
import { addUser } from '../helpers/session-browser.js'
import { made } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { NOW } from './money-fixture.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)("the owner's leads, waitlist and services pages (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient
  let jane: string
  const read = async (type: string, id: string, include?: string) =>
    expectData(await app.query({ type, id, ...(include ? { include } : {}) }))

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    jane = (await made(app, 'contact', 'create', { display_name: 'Jane Smith', email: 'jane@example.com' })).id
    await made(app, 'contact', 'create', { display_name: 'Janet Jackson' })
    owner = await pageClient(app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('makes a lead from the form, shows field errors without saving, changes its status, edits it and converts it to a customer', async () => {
    const form = await owner.get('/leads/new')
    expect(form.status).toBe(200)
    const fields: Array<[string, string]> = [
      ['raw_notes', 'Called about 20 windows, two storeys'],
      ['name', 'Pat Lee'],
      ['phone', '(256) 555-0199'],
      ['email', 'pat@example.com'],
      ['address', '5 Elm St, Huntsville, AL 35801'],
      ['service_interest', 'windows'],
      ['source', 'referral'],
      ['urgency', 'high'],
      ['property_details', ''],
      ['reminder', '2026-11-09'],
    ]
    const leadsBefore = expectData(await app.query({ type: 'leads', status: 'open' })).items.length
    const bad = await owner.submit(
      form.html,
      '/leads',
      fields.map(([k, v]) => [k, k === 'email' ? 'not-an-email' : v]),
    )
    expect(bad.status).toBe(400)
    expect(bad.html).toMatch(/name="email"[^>]*>.*<span class="err fe">[^<]*email/)
    expect(bad.html).toContain('value="Pat Lee"')
    expect(expectData(await app.query({ type: 'leads', status: 'open' })).items).toHaveLength(leadsBefore)

    const saved = await owner.submit(form.html, '/leads', fields)
    expect(saved.status).toBe(303)
    const id = saved.location!.match(/^\/leads\/([0-9a-f-]{36})\?done=created$/)![1]
    const lead = await read('leads', id)
    expect(lead).toMatchObject({ name: 'Pat Lee', source: 'referral', urgency: 'high', status: 'new', property_details: null })
    expect(new Date(lead.reminder_at).toISOString()).toBe('2026-11-09T15:00:00.000Z')

    const list = await owner.get('/leads')
    expect(list.html).toContain(`<a href="/leads/${id}"><b>Pat Lee</b></a>`)
    expect(list.html).toContain('From referral')
    expect(list.html).toContain('Follow up')
    expect((await owner.get('/leads?status=converted')).html).not.toContain('Pat Lee')

    const page = await owner.get(`/leads/${id}`)
    expect(page.html).toContain('Called about 20 windows')
    expect((await owner.submit(page.html, `/leads/${id}/status`, [['status', 'contacted']])).status).toBe(303)
    expect((await read('leads', id)).status).toBe('contacted')
    expect((await owner.submit(page.html, `/leads/${id}/note`, [['content', 'Wants a quote by Friday']])).status).toBe(303)
    const shown = await owner.get(`/leads/${id}`)
    expect(shown.html).toContain('Wants a quote by Friday')
    expect(shown.html).toMatch(/set status by a person/)

    const edit = await owner.get(`/leads/${id}/edit`)
    expect(edit.html).toContain('value="2026-11-09"')
    const edited = await owner.submit(edit.html, `/leads/${id}/edit`, [
      ['raw_notes', 'Called about 20 windows, two storeys'],
      ['name', 'Pat Lee-Ross'],
      ['phone', '(256) 555-0199'],
      ['email', 'pat@example.com'],
      ['address', '5 Elm St, Huntsville, AL 35801'],
      ['service_interest', ''],
      ['source', 'referral'],
      ['urgency', 'normal'],
      ['property_details', ''],
      ['reminder', ''],
    ])
    expect(edited.status).toBe(303)
    expect(await read('leads', id)).toMatchObject({ name: 'Pat Lee-Ross', service_interest: null, urgency: 'normal', reminder_at: null })

    const converted = await owner.submit(shown.html, `/leads/${id}/convert`)
    expect(converted.status).toBe(303)
    const contactId = converted.location!.match(/^\/customers\/([0-9a-f-]{36})$/)![1]
    expect(await read('leads', id)).toMatchObject({ status: 'converted', converted_contact_id: contactId })
    expect((await read('contacts', contactId)).display_name).toBe('Pat Lee-Ross')
  })

  it('adds a customer to the waitlist through a search that needs no JavaScript, then marks one scheduled and removes another', async () => {
    const service = await made(app, 'service', 'create', { name: 'Gutter cleaning', pricing: 'fixed', price_cents: 9000 })
    const search = await owner.get('/waitlist/add?q=jane+smith')
    expect(search.status).toBe(200)
    expect(search.html).toContain(`value="${jane}"`)
    const bad = await owner.submit(search.html, '/waitlist', [
      ['contact_id', jane],
      ['service_id', service.id],
      ['earliest_date', '2026-11-10'],
      ['latest_date', '2026-11-01'],
      ['time_of_day', 'morning'],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toMatch(/name="latest_date"[^>]*>.*<span class="err fe">must be on or after earliest_date 2026-11-10/)
    expect(expectData(await app.query({ type: 'waitlist' })).items).toEqual([])
    const added = await owner.submit(search.html, '/waitlist', [
      ['contact_id', jane],
      ['service_id', service.id],
      ['earliest_date', '2026-11-10'],
      ['latest_date', '2026-12-01'],
      ['days', 'tue'],
      ['days', 'thu'],
      ['time_of_day', 'morning'],
      ['notes', 'Back gate sticks'],
    ])
    expect(added.status).toBe(303)
    const [entry] = expectData(await app.query({ type: 'waitlist' })).items
    expect(entry).toMatchObject({
      contact_id: jane,
      service_id: service.id,
      preferred_days: ['tue', 'thu'],
      time_of_day: 'morning',
      status: 'waiting',
    })
    const list = await owner.get('/waitlist')
    expect(list.html).toContain('Jane Smith')
    expect(list.html).toContain('Gutter cleaning')
    expect(list.html).toContain('tue, thu · morning')
    expect((await owner.submit(list.html, `/waitlist/${entry.id}/scheduled`)).status).toBe(303)
    expect((await read('waitlist', entry.id)).status).toBe('scheduled')

    const janet = expectData(await app.query({ type: 'contacts', q: 'Janet' })).items.find(
      (c: any) => c.display_name === 'Janet Jackson',
    ).id
    const second = await made(app, 'waitlist', 'add', { contact_id: janet, latest_date: '2026-12-20' })
    const again = await owner.get('/waitlist')
    expect((await owner.submit(again.html, `/waitlist/${second.id}/remove`)).status).toBe(303)
    expect((await read('waitlist', second.id)).status).toBe('removed')
    expect((await owner.get('/waitlist')).html).not.toContain('Janet Jackson')
    expect((await owner.get('/waitlist?status=removed')).html).toContain('Janet Jackson')
  })

  it('creates, edits and archives a service, and shows a negative price next to its field without saving', async () => {
    const page = await owner.get('/services')
    const count = async () => expectData(await app.query({ type: 'services' })).items.length
    const before = await count()
    const fields = (price: string): Array<[string, string]> => [
      ['name', 'Screen repair'],
      ['pricing', 'per_unit'],
      ['price', price],
      ['unit_name', 'screen'],
      ['duration', '15'],
      ['taxable', '1'],
      ['description', ''],
    ]
    const negative = await owner.submit(page.html, '/services', fields('-5'))
    expect(negative.status).toBe(400)
    expect(negative.html).toMatch(/name="price"[^>]*>.*<span class="err fe">[^<]*0/)
    expect(negative.html).toContain('data.price_cents')
    expect(await count()).toBe(before)
    const words = await owner.submit(page.html, '/services', fields('five'))
    expect(words.status).toBe(400)
    expect(words.html).toMatch(/name="price"[^>]*>.*<span class="err fe">expected an amount in dollars and cents/)
    const created = await owner.submit(page.html, '/services', fields('12.50'))
    expect(created.status).toBe(303)
    const service = expectData(await app.query({ type: 'services', q: 'Screen repair' })).items[0]
    expect(service).toMatchObject({
      name: 'Screen repair',
      pricing: 'per_unit',
      price_cents: 1250,
      unit_name: 'screen',
      default_duration_minutes: 15,
      taxable: true,
    })
    const list = await owner.get('/services')
    expect(list.html).toContain('per unit · $12.50 per screen · 15 min · taxable')

    const edit = await owner.get(`/services/${service.id}/edit`)
    expect(edit.html).toContain('value="12.50"')
    const wrongUnit = await owner.submit(edit.html, `/services/${service.id}/edit`, [
      ['name', 'Screen repair'],
      ['pricing', 'fixed'],
      ['price', '12.50'],
      ['unit_name', 'screen'],
    ])
    expect(wrongUnit.status).toBe(400)
    expect(wrongUnit.html).toMatch(/name="unit_name"[^>]*>.*<span class="err fe">applies only to per_unit pricing/)
    const saved = await owner.submit(edit.html, `/services/${service.id}/edit`, [
      ['name', 'Screen repair'],
      ['pricing', 'fixed'],
      ['price', '40'],
      ['unit_name', ''],
      ['duration', ''],
      ['description', 'Any size'],
    ])
    expect(saved.status).toBe(303)
    expect(await read('services', service.id)).toMatchObject({
      pricing: 'fixed',
      price_cents: 4000,
      unit_name: null,
      default_duration_minutes: null,
      taxable: false,
      description: 'Any size',
    })

    expect((await owner.submit(list.html, `/services/${service.id}/archive`)).status).toBe(303)
    expect((await read('services', service.id)).status).toBe('archived')
    expect((await owner.get('/services')).html).not.toContain('Screen repair')
    expect((await owner.get('/services?status=archived')).html).toContain('Screen repair')
  })

  it('keeps technicians and signed-out visitors out, and answers "not found" for another business\'s lead and service', async () => {
    const lead = await made(app, 'lead', 'create', { raw_notes: 'Needs windows', name: 'Quinn' })
    await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    const tom = await pageClient(app, 'tom@sparkle.test')
    for (const path of ['/leads', '/leads/new', `/leads/${lead.id}`, '/waitlist', '/waitlist/add?q=jane', '/services']) {
      const r = await tom.get(path)
      expect(r.status, path).toBe(403)
      expect(r.html).not.toContain('Quinn')
      const visitor = await fetch(app.url + path, { redirect: 'manual' })
      expect(visitor.status, path).toBe(303)
      expect(visitor.headers.get('location')).toBe('/')
    }
    const other = await app.createTenant('Other Windows')
    const theirLead = expectData(
      await app.action('lead', 'create', { raw_notes: 'Theirs', name: 'Their lead' }, { token: other.agent_token }),
    )
    const theirService = expectData(
      await app.action('service', 'create', { name: 'Their service', pricing: 'fixed', price_cents: 100 }, { token: other.agent_token }),
    )
    const leadPage = await owner.get(`/leads/${theirLead.id}`)
    expect(leadPage.status).toBe(404)
    expect(leadPage.html).not.toContain('Their lead')
    expect((await owner.get(`/services/${theirService.id}/edit`)).status).toBe(404)
  })
})
