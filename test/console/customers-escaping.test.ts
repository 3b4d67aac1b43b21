import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { expectEscaped, PAYLOAD, SCRIPT } from '../helpers/hostile-markup.js'
import { addUser } from '../helpers/session-browser.js'
import type { PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)('the customers pages escape what they show (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  let contactId: string
  const ok = okOf(() => app)

  beforeAll(async () => {
    ;({ app, owner } = await startPageApp(engine))
    const techId = await addUser(app, 'tom@sparkle.test', 'technician', PAYLOAD)
    const contact = await ok('contact', 'create', {
      display_name: PAYLOAD,
      tags: [SCRIPT],
      phone: '256-555-0142',
      about: PAYLOAD,
      preferences: { notes: PAYLOAD },
      addresses: [{ line1: PAYLOAD, city: PAYLOAD, state: 'AL', postal_code: '35801', access_notes: PAYLOAD }],
    })
    contactId = contact.id
    await ok('attribute', 'set', { contact_id: contactId, key: 'gate', value: PAYLOAD })
    await ok('note', 'add', { contact_id: contactId, content: PAYLOAD })
    await ok('service', 'create', { name: PAYLOAD, pricing: 'fixed', price_cents: 1000, taxable: false })
    await ok('ticket', 'create', {
      contact_id: contactId,
      address_id: contact.addresses[0].id,
      scheduled_start: '2030-01-08T10:00',
      duration_minutes: 60,
      technician_ids: [techId],
      notes: PAYLOAD,
    })
    // An audited change whose old and new values are the payload's parts.
    await ok('contact', 'update', { contact_id: contactId, display_name: `${PAYLOAD} B` })
    await ok('contact', 'update', { contact_id: contactId, display_name: PAYLOAD })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('escapes names, addresses, access notes, facts, notes, tags, ticket notes and history on every page', async () => {
    const pages = [
      '/customers',
      `/customers?${new URLSearchParams({ tag: SCRIPT })}`,
      `/customers/${contactId}`,
      `/customers/${contactId}/edit`,
      `/customers/${contactId}/book`,
    ]
    for (const path of pages) expectEscaped(await owner.get(path), path)
    const shown = (await owner.get(`/customers/${contactId}`)).html
    const history = shown.slice(shown.indexOf('<h2>History</h2>'))
    expect(history).toContain('display name from &lt;script&gt;')
    expect(shown).toContain('Tags: &lt;script&gt;alert(document)&lt;/script&gt;')
  })

  it('escapes the filter words it echoes back, and what was typed into a refused form', async () => {
    const words = new URLSearchParams({ q: PAYLOAD, tag: PAYLOAD, place: PAYLOAD })
    const list = await owner.get(`/customers?${words}`)
    expectEscaped(list, 'the filtered list')
    const form = (await owner.get('/customers/new')).html
    const refused = await owner.submit(form, '/customers/new', [
      ['display_name', PAYLOAD],
      ['email', PAYLOAD],
      ['tags', PAYLOAD],
      ['address.line1', PAYLOAD],
      ['address.access_notes', PAYLOAD],
    ])
    expect(refused.status).toBe(400)
    expectEscaped(refused, 'the refused new customer')
    const csrf = form.match(/name="_csrf" value="([^"]+)"/)![1]
    const book = await owner.post(`/customers/${contactId}/book`, [
      ['_csrf', csrf],
      ['date', PAYLOAD],
      ['time', PAYLOAD],
      ['notes', PAYLOAD],
    ])
    expect(book.status).toBe(400)
    expectEscaped(book, 'the refused booking')
  })
})
