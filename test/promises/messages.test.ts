import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { countRows, made } from '../helpers/fixtures.js'

/** Tuesday 2026-10-27, 10:15 in Chicago; moved forward by the tests. */
const clock = { now: new Date('2026-10-27T15:15:00Z') }

describe.each(engines)("what an email's review card says, the product does (%s)", (engine) => {
  let app: TestApp
  let contact: string
  beforeAll(async () => {
    clock.now = new Date('2026-10-27T15:15:00Z')
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
    contact = (await made(app, 'contact', 'create', { display_name: 'Mia Card', email: 'mia@card.test' })).id
  })
  afterAll(() => app.close())

  /** What reached the customer. */
  const toMia = () => app.email.sent.filter((m) => m.to.includes('mia@card.test'))

  it("the card's Sends line names the email and its time; allowed, that email goes to the customer then, not before", async () => {
    const sendAt = '2026-10-28T15:00:00.000Z'
    const asked = await app.action(
      'message',
      'schedule',
      { contact_id: contact, kind: 'custom', subject: 'Your gutters', body: 'We can come on Friday.', send_at: sendAt },
      { reasoning: 'She asked when we can come' },
    )
    expect(asked.status).toBe(202)
    const request = expectData(await app.query({ type: 'authorization_requests', id: asked.body.data.request_id }))
    expect(request.preview.summary).toBe('Email Mia Card <mia@card.test> (custom)')
    expect(request.preview.when).toEqual([{ label: 'Sends', at: sendAt }])
    await deliverDue(app.services)
    expect(await countRows(app, 'scheduled_messages')).toBe(0)
    expect(toMia()).toEqual([])

    await app.ownerAction('authorization', 'decide', { request_id: request.id, decision: 'allow_once' })
    clock.now = new Date('2026-10-28T14:59:00Z')
    await deliverDue(app.services)
    expect(toMia()).toEqual([])
    clock.now = new Date(sendAt)
    await deliverDue(app.services)
    expect(toMia().map((m) => [m.subject, m.text.includes('We can come on Friday.')])).toEqual([['Your gutters', true]])
  })
})
