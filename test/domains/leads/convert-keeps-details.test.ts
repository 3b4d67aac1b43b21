import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { preferencesOfTimes } from '../../../core/domains/leads/lead-details.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { PNG } from '../../helpers/files.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { pageClient } from '../../helpers/technician-fixture.js'

describe('preferred times read as scheduling preferences', () => {
  it('keeps the words, and reads a day or time of day only when plainly said', () => {
    expect(preferencesOfTimes('weekday mornings')).toEqual({
      notes: 'Preferred times: weekday mornings',
      time_of_day: 'morning',
      preferred_days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    })
    expect(preferencesOfTimes('Tues or Thurs after 12')).toMatchObject({ time_of_day: 'afternoon', preferred_days: ['tue', 'thu'] })
    expect(preferencesOfTimes('I am free any time')).toEqual({ notes: 'Preferred times: I am free any time' })
    expect(preferencesOfTimes('anything but Monday mornings')).toEqual({ notes: 'Preferred times: anything but Monday mornings' })
    expect(preferencesOfTimes('8am to 2pm')).toEqual({ notes: 'Preferred times: 8am to 2pm' })
  })
})

describe.each(engines)('converting a lead keeps every field the customer gave (%s)', (engine) => {
  let app: TestApp
  let mcp: Client
  let clock = new Date('2026-11-24T15:00:00Z')
  let windowId = ''

  /** Sends the public request form as a person does (the page opened, read, sent), with a photo; the lead it made. */
  const request = async (fields: Record<string, string>) => {
    const page = await (await fetch(`${app.url}/r/sparkle`)).text()
    clock = new Date(clock.getTime() + 10_000)
    const form = new FormData()
    form.append('stamp', /name="stamp" value="([^"]+)"/.exec(page)?.[1] ?? '')
    for (const [k, v] of Object.entries(fields)) form.append(k, v)
    form.append('service_ids', windowId)
    form.append('photo', new Blob([PNG], { type: 'image/png' }), 'front.png')
    const res = await fetch(`${app.url}/r/sparkle`, { method: 'POST', body: form, redirect: 'manual' })
    expect(res.status).toBe(303)
    const leads = expectData(await app.query({ type: 'leads', status: 'open' })).items as any[]
    return leads.find((l) => l.name === fields.name)
  }
  const photosOf = async (filter: Record<string, string>) => expectData(await app.query({ type: 'documents', ...filter })).items as any[]
  const bytesOf = async (id: string) => Buffer.from(expectData(await app.query({ type: 'document_content', id })).content_base64, 'base64')

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock })
    await app.ownerAction('settings', 'update', { request_slug: 'Sparkle' })
    windowId = expectData(
      await app.action('service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 18_000, bookable: true }),
    ).id
    mcp = await connectMcp(app.url, app.tenant.agent_token)
  }, 120_000)
  afterAll(async () => {
    await mcp?.close()
    await app?.close()
  })

  it('a web request with a gate code, preferred times and a photo, converted with its visit, shows all of them on the customer and the visit', async () => {
    const lead = await request({
      name: 'Rosa Gate',
      email: 'rosa.gate@example.com',
      address: '12 Oak St, Huntsville, AL 35801',
      need: 'and the skylight',
      preferred_times: 'weekday mornings',
      notes: 'Gate code 4821, dog in the yard',
    })
    expect(lead).toMatchObject({ access_notes: 'Gate code 4821, dog in the yard', preferred_times: 'weekday mornings' })
    const leadPage = (await (await pageClient(app, 'owner@sparkle.test')).get(`/leads/${lead.id}`)).html
    expect(leadPage).toContain('<dt>Getting in</dt><dd>Gate code 4821, dog in the yard</dd>')
    expect(leadPage).toContain('<dt>Preferred times</dt><dd>weekday mornings</dd>')

    const converted = expectData(
      await app.action('lead', 'convert', { lead_id: lead.id, visit: { scheduled_start: '2026-12-01T15:00:00Z' } }),
    )
    expect(converted.contact_created).toBe(true)
    expect(converted.kept).toEqual({
      access_notes: 'address',
      preferred_times: 'contact_preferences',
      property_and_service: 'contact_about',
      photo_document_id: expect.any(String),
    })
    const contactId = converted.contact.id

    // On the customer: the gate code on the address, the times in the preferences, what they asked for, the photo.
    const contact = expectData(await app.query({ type: 'contacts', id: contactId, include: 'addresses' }))
    expect(contact.addresses).toEqual([
      expect.objectContaining({ id: converted.address_id, line1: '12 Oak St', access_notes: 'Gate code 4821, dog in the yard' }),
    ])
    expect(contact.preferences).toEqual({
      notes: 'Preferred times: weekday mornings',
      time_of_day: 'morning',
      preferred_days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    })
    expect(contact.about).toBe('Asked for: Window cleaning; and the skylight')
    const [photo] = await photosOf({ contact_id: contactId })
    expect(photo).toMatchObject({ id: converted.kept.photo_document_id, category: 'photo', content_type: 'image/png' })
    expect((await bytesOf(photo.id)).equals(PNG)).toBe(true)

    // On the visit: at that address (its gate code), the service chosen, everything said in its notes, the photo.
    const visit = expectData(await app.query({ type: 'tickets', id: converted.visit.id, include: 'address,notes,line_items' }))
    expect(visit.contact_id).toBe(contactId)
    expect(visit.address.access_notes).toBe('Gate code 4821, dog in the yard')
    expect(visit.line_items.map((l: any) => l.description)).toEqual(['Window cleaning'])
    expect(visit.notes).toBe(
      "From the customer's request:\nAccess: Gate code 4821, dog in the yard\nPreferred times: weekday mornings\n" +
        'Asked for: Window cleaning; and the skylight',
    )
    const [visitPhoto] = await photosOf({ ticket_id: visit.id })
    expect(visitPhoto).toMatchObject({ id: converted.visit.photo_document_id, category: 'photo' })
    expect((await bytesOf(visitPhoto.id)).equals(PNG)).toBe(true)
  })

  it('a request from a customer already on file fills what they lack and keeps what they have', async () => {
    const known = expectData(
      await app.action('contact', 'create', {
        display_name: 'Sam Known',
        email: 'sam.known@example.com',
        preferences: { time_of_day: 'afternoon' },
        about: 'Pays by check',
        addresses: [{ line1: '40 Elm Street', city: 'Madison', state: 'AL', postal_code: '35758' }],
      }),
    )
    const lead = await request({
      name: 'Sam Known',
      email: 'sam.known@example.com',
      address: '40 elm street, Madison, AL 35758',
      need: 'Windows before the party',
      preferred_times: 'mornings',
      notes: 'Side gate is unlocked',
    })
    const converted = expectData(await app.action('lead', 'convert', { lead_id: lead.id }))
    expect(converted).toMatchObject({ contact_created: false, matched_by: 'email', visit: null })
    expect(converted.kept.access_notes).toBe('address')
    const contact = expectData(await app.query({ type: 'contacts', id: known.id, include: 'addresses' }))
    expect(contact.addresses.map((a: any) => a.access_notes)).toEqual(['Side gate is unlocked'])
    // Their own preference stays; the request's words join the notes.
    expect(contact.preferences).toEqual({ time_of_day: 'afternoon', notes: 'Preferred times: mornings' })
    expect(contact.about).toBe('Pays by check\nAsked for: Window cleaning; Windows before the party')
    expect(await photosOf({ contact_id: known.id })).toHaveLength(1)
  })

  it('process_lead takes the access notes and preferred times read from a call, and converting keeps them', async () => {
    const made = toolJson(
      await mcp.callTool({
        name: 'process_lead',
        arguments: {
          source: 'phone',
          raw_notes: 'Lee called: windows, 9 Pine Rd, Huntsville, AL 35801. Key under the mat. Fridays are best.',
          name: 'Lee Pine',
          phone: '(256) 555-0142',
          address: '9 Pine Rd, Huntsville, AL 35801',
          service: 'windows',
          access_notes: 'Key under the mat',
          preferred_times: 'Fridays',
        },
      }),
    ).json as any
    expect(made.lead).toMatchObject({ access_notes: 'Key under the mat', preferred_times: 'Fridays' })
    const converted = expectData(await app.action('lead', 'convert', { lead_id: made.lead.id }))
    expect(converted.kept).toMatchObject({ access_notes: 'address', preferred_times: 'contact_preferences', photo_document_id: null })
    const contact = expectData(await app.query({ type: 'contacts', id: converted.contact.id, include: 'addresses' }))
    expect(contact.addresses[0].access_notes).toBe('Key under the mat')
    expect(contact.preferences).toEqual({ notes: 'Preferred times: Fridays', preferred_days: ['fri'] })
  })
})
