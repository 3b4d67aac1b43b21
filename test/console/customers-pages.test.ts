import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { hiddenFields, pageClient, type PageClient } from '../helpers/technician-fixture.js'
import { letters } from '../helpers/fixtures.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.each(engines)("the owner's customers pages (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient
  let techId: string
  const ok = okOf(() => app)
  const page = async (path: string) => {
    const r = await owner.get(path)
    expect(r.status, path).toBe(200)
    return r.html
  }

  beforeAll(async () => {
    ;({ app, owner, techId } = await startPageApp(engine, { now: () => NOW }, { ownerName: 'Olivia Owner', technician: 'added' }))
  })
  afterAll(async () => {
    await app?.close()
  })

  it('adds a customer with an address in one go; a refused address leaves no customer behind', async () => {
    const form = await page('/customers/new')
    const fields: Array<[string, string]> = [
      ['display_name', 'Rita Rivers'],
      ['kind', 'person'],
      ['email', 'rita@example.com'],
      ['phone', '(256) 555-0101'],
      ['tags', 'vip, Gutters'],
      ['address.line1', '4 Elm Road'],
      ['address.city', 'Madison'],
      ['address.state', 'AL'],
      ['address.access_notes', 'Side gate'],
    ]
    const refused = await owner.submit(form, '/customers/new', [...fields, ['address.postal_code', '!!']])
    expect(refused.status).toBe(400)
    expect(refused.html).toMatch(/id="e_address\.postal_code">expected a postal code/)
    expect(refused.html).toContain('value="4 Elm Road"')
    expect((await app.query({ type: 'contacts', q: 'rita@example.com' })).body.data.items).toEqual([])

    const saved = await owner.submit(form, '/customers/new', [...fields, ['address.postal_code', '35758']])
    expect(saved.status).toBe(303)
    const id = saved.location!.match(/^\/customers\/([0-9a-f-]{36})\?done=created$/)![1]
    const contact = (await app.query({ type: 'contacts', id, include: 'addresses' })).body.data
    expect(contact).toMatchObject({ display_name: 'Rita Rivers', phone: '(256) 555-0101', tags: ['vip', 'gutters'] })
    expect(contact.addresses).toMatchObject([{ line1: '4 Elm Road', city: 'Madison', postal_code: '35758', access_notes: 'Side gate' }])
    const shown = await page(saved.location!)
    expect(shown).toContain('Customer added.')
    expect(shown).toContain('Access: Side gate')
  })

  it("shows each address's pin in words and lets the owner place it by hand or look it up again", async () => {
    const rita = await ok('contact', 'create', {
      display_name: 'Pia Pinned',
      addresses: [{ line1: '8 Lake Way', city: 'Madison', state: 'AL', postal_code: '35758' }],
    })
    const path = `/customers/${rita.id}`
    const before = await page(path)
    expect(before).toContain('Not on the map yet: it is looked up in the background')
    const addressId = (await app.query({ type: 'addresses', contact_id: rita.id })).body.data.items[0].id
    const refused = await owner.submit(before, `${path}/addresses/${addressId}/pin`, [
      ['latitude', 'north'],
      ['longitude', '-86.7'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('Nothing was changed.')
    const pinned = await owner.submit(before, `${path}/addresses/${addressId}/pin`, [
      ['latitude', '34.69931'],
      ['longitude', '-86.74833'],
    ])
    expect(pinned.status).toBe(303)
    const after = await page(pinned.location!)
    expect(after).toContain('Pin placed.')
    expect(after).toContain('On the map, placed by hand')
    expect(after).toContain('href="https://www.openstreetmap.org/?mlat=34.69931&amp;mlon=-86.74833#map=18/34.69931/-86.74833"')
    const again = await owner.submit(after, `${path}/addresses/${addressId}/locate`, [])
    expect(again.status).toBe(303)
    expect(await page(again.location!)).toContain('Not on the map yet: it is looked up in the background')
    const csrf = hiddenFields(after, `${path}/addresses/${addressId}/locate`)
    const elsewhere = await owner.post(`${path}/addresses/00000000-0000-4000-8000-000000000000/locate`, csrf)
    expect(elsewhere.status).toBe(404)
  })

  it('shows a duplicate with a link to the other customer, and saves it only when told it is someone else', async () => {
    const first = await ok('contact', 'create', { display_name: 'Dan Dupe', phone: '256-555-0177' })
    const form = await page('/customers/new')
    const fields: Array<[string, string]> = [
      ['display_name', 'Danny D'],
      ['kind', 'person'],
      ['phone', '(256) 555-0177'],
    ]
    const refused = await owner.submit(form, '/customers/new', fields)
    expect(refused.status).toBe(409)
    expect(refused.html).toContain(`href="/customers/${first.id}"`)
    expect(refused.html).toContain('Open Dan Dupe')
    const saved = await owner.submit(refused.html, '/customers/new', [...fields, ['allow_duplicate', 'yes']])
    expect(saved.status).toBe(303)
    expect((await app.query({ type: 'contacts', q: 'Danny D' })).body.data.items.map((c: any) => c.display_name)).toContain('Danny D')

    const moving = await ok('contact', 'create', { display_name: 'Mo Moving', phone: '256-555-0188' })
    const edit = await page(`/customers/${moving.id}/edit`)
    const taken: Array<[string, string]> = [
      ['display_name', 'Mo Moving'],
      ['kind', 'person'],
      ['email', ''],
      ['phone', '+1 256 555 0177'],
      ['tags', ''],
    ]
    const warned = await owner.submit(edit, `/customers/${moving.id}/edit`, taken)
    expect(warned.status).toBe(409)
    expect(warned.html).toContain(`href="/customers/${first.id}"`)
    expect((await app.query({ type: 'contacts', id: moving.id })).body.data.phone).toBe('256-555-0188')
    expect((await owner.submit(warned.html, `/customers/${moving.id}/edit`, [...taken, ['allow_duplicate', 'yes']])).status).toBe(303)
    expect((await app.query({ type: 'contacts', id: moving.id })).body.data.phone).toBe('+1 256 555 0177')
  })

  it('edits the phone, shows a wrong email at its field, and the history names who changed what', async () => {
    const c = await ok('contact', 'create', { display_name: 'Eve Edit', phone: '256-555-0111', email: 'eve@example.com' })
    const form = await page(`/customers/${c.id}/edit`)
    const wrong = await owner.submit(form, `/customers/${c.id}/edit`, [
      ['display_name', 'Eve Edit'],
      ['kind', 'person'],
      ['email', 'not an email'],
      ['phone', '256-555-0199'],
      ['tags', ''],
    ])
    expect(wrong.status).toBe(400)
    expect(wrong.html).toMatch(/id="e_email">/)
    expect((await app.query({ type: 'contacts', id: c.id })).body.data.phone).toBe('256-555-0111')
    const saved = await owner.submit(form, `/customers/${c.id}/edit`, [
      ['display_name', 'Eve Edit'],
      ['kind', 'organization'],
      ['email', 'eve@example.com'],
      ['phone', '256-555-0199'],
      ['tags', 'weekly'],
    ])
    expect(saved.location).toBe(`/customers/${c.id}?done=saved`)
    expect((await app.query({ type: 'contacts', id: c.id })).body.data).toMatchObject({
      phone: '256-555-0199',
      kind: 'organization',
      tags: ['weekly'],
    })
    await ok('contact', 'update', { contact_id: c.id, about: 'Agent wrote this' })
    const shown = await page(`/customers/${c.id}`)
    const history = shown.slice(shown.indexOf('<h2>History</h2>'))
    expect(history).toMatch(/Olivia Owner changed the customer: [^<]*phone from 256-555-0111 to 256-555-0199/)
    expect(history.indexOf('Agent changed the customer: about')).toBeLessThan(history.indexOf('Olivia Owner changed'))
    expect(history).toContain('Agent added the customer')
  })

  it('adds and corrects addresses on the edit page, one form each', async () => {
    const c = await ok('contact', 'create', { display_name: 'Al Address' })
    const form = await page(`/customers/${c.id}/edit`)
    const added = await owner.submit(form, `/customers/${c.id}/addresses`, [
      ['address.line1', '9 Pine St'],
      ['address.city', 'Athens'],
      ['address.state', 'AL'],
      ['address.postal_code', '35611'],
    ])
    expect(added.location).toBe(`/customers/${c.id}/edit?done=address`)
    const [address] = (await app.query({ type: 'addresses', contact_id: c.id })).body.data.items
    const edit = await page(`/customers/${c.id}/edit`)
    const refused = await owner.submit(edit, `/customers/${c.id}/addresses/${address.id}`, [
      ['address.line1', '9 Pine St'],
      ['address.city', ''],
      ['address.state', 'AL'],
      ['address.postal_code', '35611'],
      ['address.access_notes', 'Dog'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toMatch(/id="e_address\.city"/)
    expect((await app.query({ type: 'addresses', id: address.id })).body.data.access_notes).toBeNull()
    const fixed = await owner.submit(edit, `/customers/${c.id}/addresses/${address.id}`, [
      ['address.line1', '9 Pine St'],
      ['address.city', 'Athens'],
      ['address.state', 'AL'],
      ['address.postal_code', '35611'],
      ['address.access_notes', 'Dog'],
    ])
    expect(fixed.status).toBe(303)
    expect((await app.query({ type: 'addresses', id: address.id })).body.data.access_notes).toBe('Dog')
  })

  it('books a visit at a local time with services and a technician, then opens the ticket', async () => {
    const service = await ok('service', 'create', {
      name: 'Window cleaning',
      pricing: 'fixed',
      price_cents: 15000,
      default_duration_minutes: 60,
      taxable: true,
    })
    const c = await ok('contact', 'create', {
      display_name: 'Bea Booker',
      addresses: [{ line1: '1 Main St', city: 'Huntsville', state: 'AL', postal_code: '35801' }],
    })
    const form = await page(`/customers/${c.id}/book?date=2026-11-06`)
    expect(form).toContain('Tom Tech')
    expect(form).toMatch(/href="\/customers\/[^"]+\/book\?date=2026-11-06&amp;time=\d\d%3A\d\d/)
    // The free times come under the technician's whole name, the first one from when the day opens.
    expect(form).toMatch(/<p><b>Tom Tech<\/b><br><a class="slot" href="[^"]+time=08%3A00[^"]*" aria-label="08:00 with Tom Tech">08:00<\/a>/)
    const csrf: [string, string] = ['_csrf', form.match(/name="_csrf" value="([^"]+)"/)![1]]
    const missing = await owner.post(`/customers/${c.id}/book`, [csrf, ['date', '2026-11-06'], ['time', ''], ['duration', '90']])
    expect(missing.status).toBe(400)
    expect(missing.html).toMatch(/id="e_time">expected a time/)
    expect((await app.query({ type: 'tickets', contact_id: c.id })).body.data.items).toEqual([])
    const booked = await owner.post(`/customers/${c.id}/book`, [
      csrf,
      ['address_id', c.addresses[0].id],
      ['date', '2026-11-06'],
      ['time', '10:30'],
      ['duration', '90'],
      ['service', service.id],
      ['technician', techId],
      ['notes', 'Bring the long ladder'],
    ])
    expect(booked.status).toBe(303)
    const ticketId = booked.location!.match(/^\/tickets\/([0-9a-f-]{36})\?done=booked$/)![1]
    const ticket = (await app.query({ type: 'tickets', id: ticketId, include: 'technicians,line_items,notes' })).body.data
    expect(ticket).toMatchObject({
      contact_id: c.id,
      address_id: c.addresses[0].id,
      scheduled_start: '2026-11-06T16:30:00.000Z',
      scheduled_end: '2026-11-06T18:00:00.000Z',
      notes: 'Bring the long ladder',
    })
    expect(ticket.technicians.map((t: any) => t.user_id)).toEqual([techId])
    expect(ticket.line_items.map((l: any) => l.service_id)).toEqual([service.id])
    const shown = await page(`/customers/${c.id}`)
    expect(shown).toContain(`href="/tickets/${ticketId}"`)
    expect(shown).toMatch(/Olivia Owner added ticket #\d+/)
  })

  it('adds a note from the customer page', async () => {
    const c = await ok('contact', 'create', { display_name: 'Nina Note' })
    const shown = await page(`/customers/${c.id}`)
    const r = await owner.submit(shown, `/customers/${c.id}/notes`, [['content', 'Prefers a call the evening before']])
    expect(r.location).toBe(`/customers/${c.id}?done=note`)
    const notes = (await app.query({ type: 'notes', contact_id: c.id })).body.data.items
    expect(notes.map((n: any) => n.content)).toEqual(['Prefers a call the evening before'])
    expect(await page(r.location!)).toMatch(/Prefers a call the evening before <span class="muted">— Olivia Owner/)
    const empty = await owner.submit(shown, `/customers/${c.id}/notes`, [['content', '']])
    expect(empty.status).toBe(400)
  })

  it('archives and restores a customer', async () => {
    const c = await ok('contact', 'create', { display_name: 'Archie Archive' })
    const shown = await page(`/customers/${c.id}`)
    expect((await owner.submit(shown, `/customers/${c.id}/archive`)).status).toBe(303)
    expect((await app.query({ type: 'contacts', id: c.id })).body.data.status).toBe('archived')
    expect(await page('/customers?q=Archie')).not.toContain('Archie Archive')
    expect(await page('/customers?q=Archie&status=archived')).toContain('Archie Archive')
    expect((await owner.submit(await page(`/customers/${c.id}`), `/customers/${c.id}/restore`)).status).toBe(303)
    expect((await app.query({ type: 'contacts', id: c.id })).body.data.status).toBe('active')
  })

  it('narrows the list by words, tag, town or postal code, kind and status, sorts by last visit, and pages', async () => {
    const service =
      (await app.query({ type: 'services' })).body.data.items[0]?.id ??
      (await ok('service', 'create', { name: 'Gutters', pricing: 'fixed', price_cents: 5000, taxable: false })).id
    const acme = await ok('contact', 'create', {
      display_name: 'Acme Offices',
      kind: 'organization',
      tags: ['commercial'],
      phone: '256-555-0300',
      addresses: [{ line1: '77 Quarry Lane', city: 'Decatur', state: 'AL', postal_code: '35601' }],
    })
    const home = await ok('contact', 'create', {
      display_name: 'Hank Home',
      tags: ['commercial'],
      addresses: [{ line1: '5 Birch Way', city: 'Florence', state: 'AL', postal_code: '35630' }],
    })
    const names = (html: string) => [...html.matchAll(/<a href="\/customers\/[0-9a-f-]{36}"><b>([^<]+)<\/b>/g)].map((m) => m[1])
    expect(names(await page('/customers?tag=commercial'))).toEqual(['Acme Offices', 'Hank Home'])
    expect(names(await page('/customers?tag=commercial&kind=organization'))).toEqual(['Acme Offices'])
    expect(names(await page('/customers?place=Florence'))).toEqual(['Hank Home'])
    expect(names(await page('/customers?place=3560'))).toEqual(['Acme Offices'])
    expect(names(await page('/customers?q=Quarry+Lane'))).toEqual(['Acme Offices'])
    const list = await page('/customers?tag=commercial')
    expect(list).toContain('Decatur · 256-555-0300')
    // A completed visit puts Hank first when sorted by last visit.
    const t = await ok('ticket', 'create', {
      contact_id: home.id,
      scheduled_start: '2026-11-02T09:00',
      duration_minutes: 60,
      technician_ids: [techId],
      line_items: [{ service_id: service }],
    })
    await app.t.admin.query(`update tickets set status = 'completed', closed_at = now() where id = $1`, [t.id])
    expect(names(await page('/customers?tag=commercial&sort=last_visit'))).toEqual(['Hank Home', 'Acme Offices'])
    expect(await page('/customers?tag=commercial&sort=last_visit')).toContain('Last visit Mon, Nov 2, 9:00 AM')
    void acme
    for (let i = 0; i < 26; i++) await ok('contact', 'create', { display_name: `Pager ${letters(i)}`, tags: ['paged'] })
    const first = await page('/customers?tag=paged')
    expect(names(first)).toHaveLength(25)
    const next = first.match(/href="(\/customers\?tag=paged&amp;cursor=[^"]+)">Next page/)![1].replace(/&amp;/g, '&')
    expect(names(await page(next))).toEqual(['Pager Z'])
    const bad = await owner.get('/customers?cursor=forged')
    expect(bad.status).toBe(400)
  })

  it('filters the list by lifecycle and shows where each customer stands, and since when, on their page', async () => {
    const paying = await ok('contact', 'create', { display_name: 'Lena Lifecycle', tags: ['staged'] })
    await ok('contact', 'create', { display_name: 'Pete Prospect', tags: ['staged'] })
    const inv = await ok('invoice', 'create', {
      contact_id: paying.id,
      line_items: [{ description: 'Windows', unit_price_cents: 8000, taxable: false }],
    })
    await ok('invoice', 'mark_sent', { invoice_id: inv.id })
    await ok('invoice', 'record_payment', { invoice_id: inv.id, amount_cents: 8000, method: 'check' }, 'The customer paid')
    const names = (html: string) => [...html.matchAll(/<a href="\/customers\/[0-9a-f-]{36}"><b>([^<]+)<\/b>/g)].map((m) => m[1])
    const customers = await page('/customers?tag=staged&lifecycle=customer')
    expect(names(customers)).toEqual(['Lena Lifecycle'])
    expect(customers).toContain('<option value="customer" selected>Customer</option>')
    expect(customers).toContain('· Customer</span>')
    expect(names(await page('/customers?tag=staged&lifecycle=prospect'))).toEqual(['Pete Prospect'])
    expect(names(await page('/customers?tag=staged&lifecycle=past_customer'))).toEqual([])
    // An unknown stage is ignored, as the other choices are: the whole list.
    expect(names(await page('/customers?tag=staged&lifecycle=former'))).toEqual(['Lena Lifecycle', 'Pete Prospect'])
    const shown = await page(`/customers/${paying.id}`)
    expect(shown).toContain('Customer since Thu, Nov 5')
    expect(shown).toMatch(/System moved the customer: lifecycle from prospect to customer/)
  })

  it('reads the customer page in the same number of statements however much the customer has', async () => {
    const statements = async (path: string) => {
      const db = app.t.db
      const original = db.transaction.bind(db)
      let count = 0
      db.transaction = (fn, setup) =>
        original(
          (tx) =>
            fn({
              query: (text, params) => {
                count++
                return tx.query(text, params)
              },
            } as typeof tx),
          setup,
        )
      try {
        await page(path)
      } finally {
        db.transaction = original
      }
      return count
    }
    const small = await ok('contact', 'create', {
      display_name: 'Sam Small',
      addresses: [{ line1: '1 A St', city: 'Athens', state: 'AL', postal_code: '35611' }],
    })
    const big = await ok('contact', 'create', {
      display_name: 'Bill Big',
      addresses: [
        { line1: '2 B St', city: 'Athens', state: 'AL', postal_code: '35611' },
        { line1: '3 C St', city: 'Athens', state: 'AL', postal_code: '35611' },
      ],
    })
    // One of each for the small customer (an empty list may skip a statement), five of each for the big one.
    await ok('ticket', 'create', { contact_id: small.id, scheduled_start: '2026-11-10T09:00', technician_ids: [techId] })
    await ok('ticket', 'create', { contact_id: small.id, scheduled_start: '2026-10-10T09:00' })
    await ok('note', 'add', { contact_id: small.id, content: 'one note' })
    await ok('attribute', 'set', { contact_id: small.id, key: 'fact', value: 1 })
    for (let i = 0; i < 5; i++) {
      await ok('ticket', 'create', { contact_id: big.id, scheduled_start: `2026-11-${11 + i}T09:00`, technician_ids: [techId] })
      await ok('ticket', 'create', { contact_id: big.id, scheduled_start: `2026-10-${11 + i}T09:00` })
      await ok('note', 'add', { contact_id: big.id, content: `note ${i}` })
      await ok('attribute', 'set', { contact_id: big.id, key: `fact_${i}`, value: i })
    }
    const forSmall = await statements(`/customers/${small.id}`)
    expect(forSmall).toBeGreaterThan(0)
    expect(await statements(`/customers/${big.id}`)).toBe(forSmall)
  })

  it("lets a technician see none of it, sends a signed-out visitor to sign in, and finds no other business's customer", async () => {
    const c = await ok('contact', 'create', { display_name: 'Private Pat' })
    const tech = await pageClient(app, 'tom@sparkle.test')
    for (const path of ['/customers', `/customers/${c.id}`, `/customers/${c.id}/edit`, `/customers/${c.id}/book`, '/customers/new']) {
      const r = await tech.get(path)
      expect(r.status, path).toBe(403)
      expect(r.html).not.toContain('Private Pat')
    }
    expect((await tech.post(`/customers/${c.id}/notes`, { _csrf: 'x', content: 'hi' })).status).toBe(403)
    const out = await fetch(`${app.url}/customers`, { redirect: 'manual' })
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/')

    const other = await app.createTenant('Other Windows')
    const theirs = await app.action('contact', 'create', { display_name: 'Their Customer' }, { token: other.agent_token })
    expect(theirs.status).toBe(200)
    for (const path of [
      `/customers/${theirs.body.data.id}`,
      `/customers/${theirs.body.data.id}/edit`,
      `/customers/${theirs.body.data.id}/book`,
      '/customers/not-an-id',
    ]) {
      const r = await owner.get(path)
      expect(r.status, path).toBe(404)
      expect(r.html).not.toContain('Their Customer')
    }
    const csrf = (await page(`/customers/${c.id}`)).match(/name="_csrf" value="([^"]+)"/)![1]
    expect((await owner.post(`/customers/${theirs.body.data.id}/notes`, { _csrf: csrf, content: 'x' })).status).toBe(404)
    expect((await app.query({ type: 'notes', contact_id: theirs.body.data.id }, other.agent_token)).body.data.items).toEqual([])
  })
})
