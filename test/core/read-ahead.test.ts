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

  it('still refuses a merged contact, naming the survivor', async () => {
    const john = await newContact(app, { first_name: 'John', last_name: 'Smith', email: 'john@example.com' })
    await app.t.db.query('update contacts set merged_into = $1, merged_at = now() where id = $2', [jane, john])
    const r = await app.action('note', 'add', { contact_id: john, content: 'Ladder needed.' })
    expectError(r, 409, 'CONFLICT')
    expect(r.body.error.message).toContain(`call again with contact_id ${jane}`)
  })
})
