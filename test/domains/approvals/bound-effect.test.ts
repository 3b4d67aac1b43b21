import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { signedIn, type SignedIn, letters } from '../../helpers/fixtures.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { addUser } from '../../helpers/session-browser.js'
import { pageClient, reviewCardOf, type PageClient } from '../../helpers/technician-fixture.js'

// Thursday 2031-03-06, 08:00 in Chicago (the business's clock): "today" is Thursday, "tomorrow" Friday.
const THURSDAY = new Date('2031-03-06T14:00:00Z')
const why = { reasoning: 'Marcus called in sick' }

describe.each(engines)('an approval holds the call to the effect the owner saw (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let page: PageClient
  let mcp: Client
  let marcus: string
  let dana: string
  const clock = { now: THURSDAY }
  let customers = 0

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock.now })
    marcus = await addUser(app, 'marcus@sparkle.test', 'technician', 'Marcus Reyes')
    dana = await addUser(app, 'dana@sparkle.test', 'technician', 'Dana Cole')
    owner = await signedIn(app, app.tenant.owner_user_id)
    page = await pageClient(app, 'owner@sparkle.test')
    mcp = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await mcp?.close()
    await app?.close()
  })

  const visit = async (start: string, technician = marcus) => {
    customers += 1
    const contact = expectData(
      await app.action('contact', 'create', { display_name: `Pat Bound ${letters(customers)}`, email: `pat${customers}@example.com` }),
    )
    return expectData(
      await app.action('ticket', 'create', {
        contact_id: contact.id,
        scheduled_start: start,
        duration_minutes: 60,
        technician_ids: [technician],
        line_items: [{ description: 'Windows', unit_price_cents: 15_000 }],
      }),
    )
  }
  const startOf = async (id: string) => expectData(await app.query({ type: 'tickets', id })).scheduled_start as string
  const request = async (id: string) => expectData(await app.query({ type: 'authorization_requests', id }))
  const allow = (id: string) => owner.action('authorization', 'decide', { request_id: id, decision: 'allow_once' })
  const sickDay = async (toDate = 'tomorrow', technician = 'Marcus Reyes') => {
    const queued = await app.action(
      'ticket',
      'move_day',
      { technician_id: technician, date: 'today', to_date: toDate, to_technician_id: 'dana' },
      why,
    )
    expect(queued.status).toBe(202)
    return queued.body.data.request_id as string
  }

  it('stores day words as the dates and names as the ids they meant, and the card shows what moves from when to when and who is emailed', async () => {
    const a = await visit('2031-03-06T15:00')
    const requestId = await sickDay()
    const stored = await request(requestId)
    expect(stored.data).toMatchObject({ technician_id: marcus, date: '2031-03-06', to_date: '2031-03-07', to_technician_id: dana })
    expect(stored.preview.bound.map((b: any) => [b.field, b.from, b.to])).toEqual([
      ['data.technician_id', 'Marcus Reyes', marcus],
      ['data.date', 'today', '2031-03-06'],
      ['data.to_date', 'tomorrow', '2031-03-07'],
      ['data.to_technician_id', 'dana', dana],
    ])
    const lines: string[] = stored.preview.effect
    expect(lines.find((l) => l.startsWith(`Visit #${a.number} for Pat Bound`))).toMatch(
      /technicians Marcus Reyes → Dana Cole;.*scheduled start Thu, Mar 6, 2031, 3:00 PM CST → Fri, Mar 7, 2031, 3:00 PM CST/,
    )
    expect(lines.find((l) => l.startsWith('Emails it queues:'))).toMatch(/Moved email to Pat Bound [A-Za-z]+ <pat\d+@example\.com>/)
    expect(lines.find((l) => l.startsWith('Emails it changes or stops:'))).toMatch(/Confirmation email to Pat Bound [A-Za-z]+ .*\(cancel\)/)

    const card = reviewCardOf((await page.get('/review')).html, requestId)
    expect(card).toContain('What it does, tried just now:')
    expect(card).toContain(`Visit #${a.number} for Pat Bound`)
    expect(card).toContain('date "today" is <b>2031-03-06</b>')
    const mail = app.email.sent.filter((m) => m.to === 'owner@sparkle.test').at(-1)!
    expect(mail.text).toContain('What it does, tried just now:')
    expect(mail.text).toMatch(/Moved email to Pat Bound [A-Za-z]+/)
    expect(mail.text).toContain('Read when asked: date "today" is 2031-03-06')

    const decided = expectData(await allow(requestId))
    expect(decided).toMatchObject({ status: 'executed' })
    expect(await startOf(a.id)).toBe('2031-03-07T21:00:00.000Z')
  })

  it('allowed the next day, "today" still means the day the agent asked about, not the day the owner answers', async () => {
    const thursday = await visit('2031-03-06T17:00')
    const friday = await visit('2031-03-07T10:00', marcus)
    const requestId = await sickDay('monday')
    clock.now = new Date('2031-03-07T13:00:00Z')
    try {
      const decided = expectData(await allow(requestId))
      // Thursday's visit went to Monday with Dana; Friday's own visit, which "today" would mean now, stayed with Marcus.
      expect(decided.status, JSON.stringify(decided.error)).toBe('executed')
      expect(await startOf(thursday.id)).toBe('2031-03-10T22:00:00.000Z')
      expect(await startOf(friday.id)).toBe('2031-03-07T16:00:00.000Z')
    } finally {
      clock.now = THURSDAY
    }
  })

  it('a visit added to that day meanwhile: the call is refused, nothing moves, and both the owner and the agent are told why', async () => {
    const lou = await addUser(app, 'lou@sparkle.test', 'technician', 'Lou Added')
    const before = await visit('2031-03-06T18:00', lou)
    const requestId = await sickDay('tomorrow', 'Lou Added')
    const added = await visit('2031-03-06T20:00', lou)
    const decided = expectData(await allow(requestId))
    expect(decided.status).toBe('failed')
    expect(decided.error.code).toBe('CONFLICT')
    expect(decided.error.message).toMatch(new RegExp(`Visit #${added.number} for Pat Bound [A-Za-z]+ would also change`))
    expect(await startOf(before.id)).toBe('2031-03-07T00:00:00.000Z')
    expect(await startOf(added.id)).toBe('2031-03-07T02:00:00.000Z')
    const status = toolJson(await mcp.callTool({ name: 'crm_authorization_status', arguments: { request_id: requestId } })).json
    expect(status.status).toBe('failed')
    expect(JSON.stringify(status)).toContain('would also change')
    const history = (await page.get('/review/history')).html
    expect(history).toContain('what this call does changed since it was shown to the owner')
  })

  it('a visit already moved meanwhile: the call is refused rather than moving what is left', async () => {
    const kim = await addUser(app, 'kim@sparkle.test', 'technician', 'Kim Moved')
    const one = await visit('2031-03-06T16:00', kim)
    const two = await visit('2031-03-06T19:00', kim)
    const requestId = await sickDay('tomorrow', 'Kim Moved')
    expectData(await owner.action('ticket', 'reschedule', { ticket_id: two.id, scheduled_start: '2031-03-10T15:00:00Z' }))
    const decided = expectData(await allow(requestId))
    expect(decided.status).toBe('failed')
    expect(decided.error.message).toMatch(new RegExp(`Visit #${two.number} for Pat Bound [A-Za-z]+ would no longer change`))
    expect(await startOf(one.id)).toBe('2031-03-06T22:00:00.000Z')
  })

  it('an amount changed meanwhile: voiding an invoice someone has since paid part of is refused', async () => {
    const contact = expectData(await app.action('contact', 'create', { display_name: 'Val Void', email: 'val@example.com' }))
    const invoice = expectData(
      await app.action('invoice', 'create', { contact_id: contact.id, line_items: [{ description: 'Windows', unit_price_cents: 25_000 }] }),
    )
    expectData(await app.action('invoice', 'mark_sent', { invoice_id: invoice.id }))
    const queued = await app.action('invoice', 'void', { invoice_id: invoice.id, reason: 'Duplicate' }, { reasoning: 'Billed twice' })
    expect(queued.status).toBe(202)
    expectData(await owner.action('invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 5_000, method: 'check' }))
    const decided = expectData(await allow(queued.body.data.request_id))
    expect(decided.status).toBe('failed')
    expect(decided.error.message).toMatch(/Invoice INV-\d{4}-\d{4} for Val Void: [a-z ]+ would go from/)
    expect(expectData(await app.query({ type: 'invoices', id: invoice.id })).status).toBe('partially_paid')
  })

  it("the owner's edit is bound and held the same way: a day word becomes its date, and the edited effect is what runs", async () => {
    const eve = await addUser(app, 'eve@sparkle.test', 'technician', 'Eve Edited')
    const thursday = await visit('2031-03-06T21:00', eve)
    const requestId = await sickDay('tomorrow', 'Eve Edited')
    const edited = expectData(
      await owner.action('authorization', 'edit', {
        request_id: requestId,
        data: { technician_id: eve, date: '2031-03-06', to_date: 'monday', to_technician_id: dana },
      }),
    )
    expect(edited.data.to_date).toBe('2031-03-10')
    expect(edited.preview.effect.join('\n')).toContain('Mon, Mar 10, 2031, 9:00 PM CDT')
    expect(expectData(await allow(requestId)).status).toBe('executed')
    expect(await startOf(thursday.id)).toBe('2031-03-11T02:00:00.000Z')
  })
})
