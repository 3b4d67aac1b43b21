import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordingDatabase, type RecordedUnit, roundTrips } from '../../../bench/recording-database.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { made, newContact, newTicket } from '../../helpers/fixtures.js'

describe.each(engines)('what one search sends to the database (%s)', (engine) => {
  let app: TestApp
  let sent: RecordedUnit[] = []
  let ticketNumber = 0
  let invoiceNumber = ''

  /** The search's hits and what it sent: the token check, then its transaction. */
  const search = async (params: Record<string, string>) => {
    sent.length = 0
    const items = expectData(await app.query({ type: 'search', ...params })).items as Array<{ id: string; matched: string; detail: string }>
    return { items, trips: roundTrips(sent), statements: sent.flatMap((u) => u.statements.map((s) => s.text.slice(0, 60))) }
  }

  beforeAll(async () => {
    app = await startTestApp(engine, {}, (db) => {
      const recording = recordingDatabase(db)
      sent = recording.units
      return recording.db
    })
    const jane = await newContact(app, { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com', phone: '(256) 555-9876' })
    await made(app, 'address', 'add', { contact_id: jane, line1: '12 Oak St', city: 'Madison', state: 'AL', postal_code: '35758' })
    await made(app, 'attribute', 'set', { contact_id: jane, key: 'pets', value: ['dog'] })
    await made(app, 'note', 'add', { contact_id: jane, content: 'Dog in the backyard, keep the gate closed.' })
    const service = await made(app, 'service', 'create', {
      name: 'Screen Cleaning',
      pricing: 'per_unit',
      price_cents: 500,
      unit_name: 'screen',
    })
    const ticket = await newTicket(app, jane, { line_items: [{ service_id: service.id, quantity: 2 }] })
    ticketNumber = ticket.number
    invoiceNumber = (
      await made(app, 'invoice', 'create', {
        contact_id: jane,
        line_items: [{ description: 'Windows', quantity: 1, unit_price_cents: 9000 }],
      })
    ).number
    await app.t.admin.query('insert into contact_external_ids (tenant_id, contact_id, source, external_id) values ($1, $2, $3, $4)', [
      app.tenant.tenant_id,
      jane,
      'square',
      'SQ7Q1XJ0ABCD',
    ])
  })

  afterAll(async () => {
    await app?.close()
  })

  it.each([
    ['a name', 'Jane Smith'],
    ['a typo', 'Jane Smtih'],
    ['a phone number', '256-555-9876'],
    ['a phone number with its country code', '+1 256 555 9876'],
    ['an email address', 'jane@example.com'],
    ['a street', '12 Oak St'],
    ['a town', 'Madison'],
    ['an attribute word', 'dog'],
    ['an external id', 'SQ7Q1XJ0ABCD'],
    ['nobody', 'Zebulon Quartermaine'],
  ])('looks up %s in four round trips: the token, BEGIN with its context, one search, COMMIT', async (_what, q) => {
    const { items, trips, statements } = await search({ q })
    expect(items.length, q).toBeGreaterThanOrEqual(q.startsWith('Zebulon') ? 0 : 1)
    expect(trips, statements.join('\n')).toBeLessThanOrEqual(4)
  })

  it('finds a ticket and an invoice by number in four round trips', async () => {
    for (const q of [`#${ticketNumber}`, invoiceNumber]) {
      const { items, trips } = await search({ q })
      expect(items.length, q).toBeGreaterThanOrEqual(1)
      expect(trips, q).toBeLessThanOrEqual(4)
    }
  })

  it('answers a question in four round trips, with the words the business knows from the context sent with BEGIN', async () => {
    const { items, trips } = await search({ q: 'dog in Madison' })
    expect(items[0]?.matched).toBe('question')
    // The question and its hits' descriptions are one statement too.
    expect(trips).toBeLessThanOrEqual(4)
  })

  it('asks about the other words in a round trip of its own when naming a service brings two words together', async () => {
    // Without the service, "elderly dog" is a pair of words the context did not ask about.
    const { items, trips, statements } = await search({ q: 'elderly screen cleaning dog' })
    expect(items[0]?.matched).toBe('closest')
    expect(statements.some((s) => s.includes('search_question_vocabulary($1'))).toBe(true)
    expect(trips).toBeLessThanOrEqual(5)
  })
})
