import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chaseQuotes } from '../../../core/jobs/quotes.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { okOf } from '../../helpers/page-app.js'
import { pageClient } from '../../helpers/technician-fixture.js'
import { b64, pdf } from '../../helpers/files.js'
import { newContact } from '../../helpers/fixtures.js'

/** Tuesday 2026-10-27, 10:15 in Chicago. */
const START = new Date('2026-10-27T15:15:00Z')

describe.each(engines)("quotes, orders and files on the customer's timeline (%s)", (engine) => {
  let app: TestApp
  let now = START
  let quinn: string
  const ok = okOf(() => app)
  const timeline = async (params: Record<string, unknown> = {}) =>
    expectData(await app.query({ type: 'timeline', contact_id: quinn, limit: 100, ...params })).items as any[]
  const newQuote = async (extra: Record<string, unknown> = {}) =>
    ok('quote', 'create', { contact_id: quinn, line_items: [{ description: 'Windows', unit_price_cents: 12_000 }], ...extra })

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => now, integrations: { stripe: null } })
    quinn = await newContact(app, { display_name: 'Quinn Quoted' })
    await app.action('contact', 'update', { contact_id: quinn, email: 'quinn@example.com' })
  })
  afterAll(() => app?.close())

  it("shows each step of the customer's quotes, orders and files, newest first, with the other customers' left out", async () => {
    const accepted = await newQuote()
    await ok('quote', 'send', { quote_id: accepted.id }, 'asked for it')
    const { order } = await ok('quote', 'record_answer', { quote_id: accepted.id, answer: 'accept' }, 'said yes on the phone')
    await ok('order', 'book', { order_id: order.id, visits: [{ scheduled_start: '2026-11-03T09:00', duration_minutes: 60 }] })
    await ok('order', 'fulfil', { order_id: order.id }, 'done on the spot')
    await ok('order', 'invoice', { order_id: order.id })
    const declined = await newQuote()
    await ok('quote', 'send', { quote_id: declined.id }, 'asked for it')
    await ok('quote', 'record_answer', { quote_id: declined.id, answer: 'decline', note: 'Too dear this year' }, 'said no')
    const lapsing = await newQuote({ valid_until: '2026-10-28' })
    await ok('quote', 'send', { quote_id: lapsing.id }, 'asked for it')
    const contract = await ok('document', 'upload', {
      contact_id: quinn,
      name: 'Contract',
      category: 'contract',
      content_base64: b64(pdf('draft')),
    })
    await ok('document', 'new_version', { document_id: contract.id, content_base64: b64(pdf('signed')) })
    await ok('document', 'upload', { quote_id: declined.id, name: 'Skylight sketch', content_base64: b64(pdf('sketch')) })
    const other = await newContact(app, { display_name: 'Olive Other' })
    await ok('quote', 'create', { contact_id: other, line_items: [{ description: 'Gutters', unit_price_cents: 5_000 }] })
    now = new Date('2026-11-02T15:00:00Z')
    expect((await chaseQuotes(app.services)).expired).toBe(1)

    const all = await timeline()
    const times = all.map((i) => new Date(i.at).getTime())
    expect(times).toEqual([...times].sort((a, b) => b - a))
    const steps = (kind: string, id: string) =>
      all
        .filter((i) => i.kind === kind && i.id === id)
        .map((i) => i.status)
        .sort()
    expect(steps('quote', accepted.id)).toEqual(['accepted', 'created', 'sent'])
    expect(steps('quote', declined.id)).toEqual(['created', 'declined', 'sent'])
    expect(steps('quote', lapsing.id)).toEqual(['created', 'expired', 'sent'])
    expect(steps('order', order.id)).toEqual(['booked', 'created', 'fulfilled', 'invoiced'])
    expect(all.filter((i) => i.kind === 'quote')).toHaveLength(9)
    expect(all.find((i) => i.id === declined.id && i.status === 'declined')).toMatchObject({
      title: `Quote ${declined.number} declined ($120.00)`,
      detail: 'Too dear this year',
    })
    expect(all.find((i) => i.id === order.id && i.status === 'booked')!.title).toBe(`Order ${order.number} booked ($120.00)`)
    expect(
      all
        .filter((i) => i.kind === 'document')
        .map((i) => i.title)
        .sort(),
    ).toEqual(['File changed to version 2: Contract', 'File uploaded: Contract', 'File uploaded: Skylight sketch'])
    expect(all.filter((i) => i.kind === 'visit')).toHaveLength(1)
    // Any kind may come first in the list, and each list names its columns the same.
    const onlyFiles = await timeline({ kinds: 'document,order' })
    expect(new Set(onlyFiles.map((i) => i.kind))).toEqual(new Set(['document', 'order']))
    expect(await timeline({ kinds: 'note' })).toEqual([])
  })

  it("links each quote, order and file on the owner's timeline page to its own page, and reads it in one statement", async () => {
    const owner = await pageClient(app, 'owner@sparkle.test')
    const statementsFor = async (path: string) => {
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
        const r = await owner.get(path)
        expect(r.status, path).toBe(200)
        return { count, html: r.html }
      } finally {
        db.transaction = original
      }
    }
    const { count, html } = await statementsFor(`/customers/${quinn}/timeline`)
    const items = await timeline()
    for (const kind of ['quote', 'order', 'document']) {
      const item = items.find((i) => i.kind === kind)!
      const href = kind === 'document' ? `/documents/${item.id}/file` : `/${kind}s/${item.id}`
      expect(html).toContain(`<a href="${href}">`)
      expect((await owner.get(href)).status, href).toBe(200)
    }
    // Another quote and file add lines, not statements.
    await newQuote()
    await ok('document', 'upload', { contact_id: quinn, name: 'Photo notes', category: 'other', content_base64: b64(pdf('notes')) })
    expect((await statementsFor(`/customers/${quinn}/timeline`)).count).toBe(count)
  })
})
