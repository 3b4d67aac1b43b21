import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordingDatabase, type RecordedUnit, roundTrips } from '../../bench/recording-database.js'
import { expectError } from '../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { made, newContact } from '../helpers/fixtures.js'

const MERGED_CHECK = 'merged_into is not null'

describe.each(engines)('reads that travel with BEGIN (%s)', (engine) => {
  let app: TestApp
  let sent: RecordedUnit[] = []
  let jane = ''

  beforeAll(async () => {
    app = await startTestApp(engine, {}, (db) => {
      const recording = recordingDatabase(db)
      sent = recording.units
      return recording.db
    })
    jane = await newContact(app, { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' })
  })

  afterAll(async () => {
    await app?.close()
  })

  it('an action naming a contact checks it in its BEGIN, not in a round trip of its own', async () => {
    sent.length = 0
    await made(app, 'note', 'add', { contact_id: jane, content: 'Gate code 4411.' })
    const tx = sent.find((u) => u.transaction && u.statements.some((s) => s.text.includes('insert into notes')))!
    const checks = tx.statements.filter((s) => s.text.includes(MERGED_CHECK))
    expect(checks.map((s) => s.withBegin)).toEqual([true])
  })

  it('a read filtered by a contact checks it in its BEGIN too', async () => {
    sent.length = 0
    await app.query({ type: 'notes', contact_id: jane })
    const checks = sent.flatMap((u) => u.statements).filter((s) => s.text.includes(MERGED_CHECK))
    expect(checks.map((s) => s.withBegin)).toEqual([true])
  })

  it("a day of tickets reads the business's settings with BEGIN: the token, BEGIN, its tickets and their lines, COMMIT", async () => {
    sent.length = 0
    await app.query({ type: 'tickets', date: '2026-12-10' })
    const settings = sent.flatMap((u) => u.statements).filter((s) => /from tenants where id = app_tenant\(\)/.test(s.text))
    expect(settings.map((s) => s.withBegin)).toEqual([true])
    expect(roundTrips(sent)).toBeLessThanOrEqual(5)
  })

  it("a booking reads its contact and its lines' services with BEGIN; a service that is not there is still refused by field", async () => {
    const service = (await made(app, 'service', 'create', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000 })).id
    sent.length = 0
    await made(app, 'ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2026-12-11T09:00:00Z',
      line_items: [{ service_id: service }],
    })
    const tx = sent.find((u) => u.transaction && u.statements.some((s) => s.text.includes('insert into tickets')))!
    // The setup sent with BEGIN is one text holding every read sent ahead.
    const setup = tx.statements.find((s) => s.withBegin)!.text
    expect(setup).toContain('select display_name, email, message_channel from contacts')
    expect(setup).toContain('from services where id = any')
    const own = tx.statements.filter((s) => !s.withBegin && /from contacts where id|from services where id/.test(s.text))
    expect(own.map((s) => s.text)).toEqual([])
    const missing = '00000000-0000-4000-8000-000000000001'
    const r = await app.action('ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2026-12-12T09:00:00Z',
      line_items: [{ service_id: service }, { service_id: missing }],
    })
    expectError(r, 404, 'NOT_FOUND')
    expect(JSON.stringify(r.body.error)).toContain('data.line_items.1.service_id')
  })

  it('still refuses a merged contact, naming the survivor', async () => {
    const john = await newContact(app, { first_name: 'John', last_name: 'Smith', email: 'john@example.com' })
    await app.t.admin.query('update contacts set merged_into = $1, merged_at = now() where id = $2', [jane, john])
    const r = await app.action('note', 'add', { contact_id: john, content: 'Ladder needed.' })
    expectError(r, 409, 'CONFLICT')
    expect(r.body.error.message).toContain(`call again with contact_id ${jane}`)
  })
})
