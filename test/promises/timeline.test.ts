import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { countRows, made } from '../helpers/fixtures.js'

/** Tuesday 2026-10-27, 10:15 in Chicago; moved forward by the test. */
const clock = { now: new Date('2026-10-27T15:15:00Z') }

describe.each(engines)("what the timeline's words say of the product's own emails, it does (%s)", (engine) => {
  let app: TestApp
  beforeAll(async () => {
    clock.now = new Date('2026-10-27T15:15:00Z')
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
  })
  afterAll(() => app.close())

  it('lists the emails the product sent and will send, with nothing logged by hand', async () => {
    const contact = (await made(app, 'contact', 'create', { display_name: 'Noa Mail', email: 'noa@timeline.test' })).id
    await app.ownerAction('message', 'schedule', { contact_id: contact, kind: 'custom', subject: 'Thanks for today', body: 'Thank you' })
    await app.ownerAction('message', 'schedule', {
      contact_id: contact,
      kind: 'custom',
      subject: 'See you in spring',
      body: 'Until then',
      send_at: '2027-03-01T15:00:00Z',
    })
    clock.now = new Date('2026-10-27T15:16:00Z')
    await deliverDue(app.services)
    expect(app.email.sent.filter((m) => m.to.includes('noa@timeline.test')).map((m) => m.subject)).toEqual(['Thanks for today'])
    expect(await countRows(app, 'interactions')).toBe(0)

    const items = expectData(await app.query({ type: 'timeline', contact_id: contact, kinds: 'email' })).items
    expect(items.map((i: any) => [i.title, i.status])).toEqual([
      ['Email scheduled: See you in spring', 'pending'],
      ['Email sent: Thanks for today', 'sent'],
    ])
  })
})
