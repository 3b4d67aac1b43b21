import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { countRows, letters } from '../../helpers/fixtures.js'

// An approval of a queued email is bound to what reaches the customer: the address it goes to and its words as rendered,
// per customer. A change of address, of name or of template between the card and the decision refuses the call.
describe.each(engines)('an approved email goes as the owner saw it, or not at all (%s)', (engine) => {
  let app: TestApp
  const clock = { now: new Date('2031-03-06T14:00:00Z') }
  let n = 0
  const why = { reasoning: 'She asked us to check in' }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock.now })
  })
  afterAll(() => app?.close())

  /** A customer, and the agent's custom email to them queued for the owner: the customer and the request. */
  async function queuedEmail(body = 'Hi {{customer_first_name}}, we will be in your street on Friday.') {
    n += 1
    const contact = await app.ownerAction('contact', 'create', {
      display_name: `Rae Bound ${letters(n)}`,
      first_name: 'Rae',
      email: `rae${n}@example.com`,
    })
    const queued = expectData(
      await app.action('message', 'schedule', { contact_id: contact.id, kind: 'custom', subject: 'This Friday', body }, why),
      202,
    )
    return { contact, request: queued.request_id as string }
  }
  const decide = (request: string) => app.ownerAction('authorization', 'decide', { request_id: request, decision: 'allow_once' })
  const stored = async (id: string) => expectData(await app.query({ type: 'authorization_requests', id }))

  it('keeps, for the card, the address and the words each customer would get', async () => {
    const { request } = await queuedEmail()
    const row = (await app.t.admin.query<{ effect: any }>('select effect from authorization_requests where id = $1', [request])).rows[0]
    expect(row.effect.emails).toEqual([
      expect.objectContaining({
        kind: 'custom',
        to: `rae${n}@example.com`,
        subject: 'This Friday',
        body: expect.stringContaining('Hi Rae, we will be in your street on Friday.'),
      }),
    ])
  })

  it("after the customer's address changed, the allowed call is refused and nothing is sent", async () => {
    const { contact, request } = await queuedEmail()
    await app.ownerAction('contact', 'update', { contact_id: contact.id, email: 'someone.else@example.net' })
    const before = await countRows(app, 'scheduled_messages')
    const decided = await decide(request)
    expect(decided.status).toBe('failed')
    expect(decided.error.message).toContain(`the custom email would now go to someone.else@example.net, not rae${n}@example.com`)
    expect(await countRows(app, 'scheduled_messages')).toBe(before)
    expect((await stored(request)).status).toBe('failed')
  })

  it("after the customer's first name changed, the words the owner read are not the words that would go: refused", async () => {
    const { contact, request } = await queuedEmail()
    await app.ownerAction('contact', 'update', { contact_id: contact.id, first_name: 'Mallory' })
    const decided = await decide(request)
    expect(decided.status).toBe('failed')
    expect(decided.error.message).toContain('the custom email would now read "Hi Mallory," where it read "Hi Rae,"')
  })

  it('after the template the email reads changed, refused; unchanged, it runs a day later and goes as shown', async () => {
    n += 1
    const contact = await app.ownerAction('contact', 'create', { display_name: `Rae Bound ${letters(n)}`, email: `rae${n}@example.com` })
    const template = await app.ownerAction('template', 'create', {
      kind: 'custom',
      name: `Check in ${letters(n)}`,
      subject: 'Checking in',
      body: 'Hello {{customer_first_name}}, how are the windows?\n{{custom_message}}',
    })
    const ask = () =>
      app.action('message', 'schedule', { contact_id: contact.id, kind: 'custom', template_id: template.id, body: 'See you soon.' }, why)
    const changed = expectData(await ask(), 202)
    await app.ownerAction('template', 'update', {
      template_id: template.id,
      body: 'Hello {{customer_first_name}}, pay us here instead.\n{{custom_message}}',
    })
    const refused = await decide(changed.request_id)
    expect(refused.status).toBe('failed')
    expect(refused.error.message).toMatch(
      /the custom email would now read "Hello .*, pay us here instead\." where it read "Hello .*, how are the windows\?"/,
    )
    await app.ownerAction('template', 'update', {
      template_id: template.id,
      body: 'Hello {{customer_first_name}}, how are the windows?\n{{custom_message}}',
    })
    const same = expectData(await ask(), 202)
    clock.now = new Date(clock.now.getTime() + 26 * 3_600_000)
    expect((await decide(same.request_id)).status).toBe('executed')
    await deliverDue({ ...app.services, now: () => new Date(clock.now.getTime() + 60_000) })
    const mail = app.email.sent.findLast((m) => m.to === `rae${n}@example.com`)!
    expect(mail.text).toContain('how are the windows?')
  })
})
