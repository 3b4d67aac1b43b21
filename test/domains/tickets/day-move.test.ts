import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditTrailActions, countRows, expectFields, signedIn, type SignedIn, letters } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'

// Wednesday 2031-03-05 10:00 in Chicago; the sick day is Friday 2031-03-07.
const clock = { now: new Date('2031-03-05T16:00:00Z') }
const why = { reasoning: 'Ann called in sick for Friday' }

describe.each(engines)("a technician's sick day moves all their visits in one call (%s)", (engine) => {
  let app: TestApp
  let ann: string
  let bob: string
  let cara: string
  let owner: SignedIn
  let customers = 0

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock.now })
    ann = await addUser(app, 'ann@sparkle.test', 'technician', 'Ann Lee')
    bob = await addUser(app, 'bob@sparkle.test', 'technician', 'Bob Ray')
    cara = await addUser(app, 'cara@sparkle.test', 'technician', 'Cara Diaz')
    owner = await signedIn(app, app.tenant.owner_user_id)
  })
  afterAll(() => app?.close())

  const customer = async (email = true) => {
    customers += 1
    const data = { display_name: `Sam Sick ${letters(customers)}`, ...(email ? { email: `sam${customers}@example.com` } : {}) }
    return expectData(await app.action('contact', 'create', data)).id as string
  }
  const book = async (start: string, technicians: string[], contactId?: string) =>
    expectData(
      await app.action('ticket', 'create', {
        contact_id: contactId ?? (await customer()),
        scheduled_start: start,
        duration_minutes: 90,
        technician_ids: technicians,
        line_items: [{ description: 'Windows', unit_price_cents: 20_000 }],
      }),
    )
  const ticket = async (id: string) => expectData(await app.query({ type: 'tickets', id }))
  const crew = async (id: string) =>
    (await app.t.admin.query<{ user_id: string }>('select user_id from ticket_technicians where ticket_id = $1', [id])).rows.map(
      (r) => r.user_id,
    )
  const messages = async (id: string) =>
    expectData(await app.query({ type: 'scheduled_messages', ticket_id: id })).items.map((m: any) => `${m.kind}:${m.status}`)

  it('moves every visit of the day to another day at the same times, and each customer is told it moved', async () => {
    const first = await book('2031-03-07T09:00', [ann])
    const second = await book('2031-03-07T13:00', [ann, bob])
    const confirmed = await book('2031-03-07T15:30', [ann])
    expectData(await app.action('ticket', 'update', { ticket_id: confirmed.id, status: 'confirmed' }))
    const someoneElse = await book('2031-03-07T09:00', [cara])
    const nextDay = await book('2031-03-08T09:00', [ann])

    const res = await owner.action('ticket', 'move_day', {
      technician_id: 'ann',
      date: '2031-03-07',
      to_date: 'next monday',
      message: 'Our technician is unwell.',
    })
    const answer = expectData(res)
    expect(answer).toMatchObject({
      technician: { id: ann, name: 'Ann Lee' },
      date: '2031-03-07',
      to_date: '2031-03-10',
      to_technician: null,
    })
    expect(answer.moved.map((v: any) => [v.number, v.when, v.technicians.sort(), v.customer_told])).toEqual([
      [first.number, 'Mon 2031-03-10 09:00', ['Ann Lee'], true],
      [second.number, 'Mon 2031-03-10 13:00', ['Ann Lee', 'Bob Ray'], true],
      [confirmed.number, 'Mon 2031-03-10 15:30', ['Ann Lee'], true],
    ])
    expect(answer.not_moved).toEqual([])
    for (const v of [first, second, confirmed]) {
      const t = await ticket(v.id)
      expect(new Date(t.scheduled_end).getTime() - new Date(t.scheduled_start).getTime()).toBe(90 * 60_000)
      expect(t).toMatchObject({ status: 'scheduled', confirmation_status: 'pending' })
      expect(await auditTrailActions(app, 'tickets', v.id)).toContain('move_day')
      // The old confirmation and its follow-ups are gone; the customer hears once that the visit moved.
      const kinds = await messages(v.id)
      expect(kinds.filter((k: string) => k.startsWith('moved'))).toEqual(['moved:pending'])
      expect(kinds.filter((k: string) => k.endsWith(':pending') && k.startsWith('confirmation'))).toEqual([])
    }
    expect((await ticket(someoneElse.id)).scheduled_start).toBe(someoneElse.scheduled_start)
    expect((await ticket(nextDay.id)).scheduled_start).toBe(nextDay.scheduled_start)

    // The email says from when to when, with the customer's words and the answer links.
    await deliverDue(app.services)
    const mail = app.email.sent.find((m) => m.subject.includes('has moved') && m.text.includes('9:00 AM'))!
    expect(mail.subject).toBe('Your appointment with Sparkle Windows has moved to Monday, March 10, 2031')
    expect(mail.text).toContain('from Friday, March 7, 2031 at 9:00 AM')
    expect(mail.text).toContain('to Monday, March 10, 2031 at 9:00 AM')
    expect(mail.text).toContain('Our technician is unwell.')
    expect(mail.text).toMatch(new RegExp(`Does the new time work\\? ${app.url}/respond/[A-Za-z0-9_-]{43}`))
    expect(mail.text).not.toContain('{{')
  })

  it('gives the day to another technician on the same day, asking no customer anything', async () => {
    const visit = await book('2031-03-12T10:00', [ann])
    const res = expectData(
      await owner.action('ticket', 'move_day', { technician_id: ann, date: '2031-03-12', to_date: '2031-03-12', to_technician_id: 'Cara' }),
    )
    expect(res.moved).toHaveLength(1)
    expect(res.moved[0]).toMatchObject({ technicians: ['Cara Diaz'], customer_told: false, when: 'Wed 2031-03-12 10:00' })
    expect(await crew(visit.id)).toEqual([cara])
    expect((await messages(visit.id)).filter((k: string) => k.startsWith('moved'))).toEqual([])
  })

  it('refuses the whole day when one visit cannot move, naming every clash, and moves nothing', async () => {
    const a = await book('2031-03-13T09:00', [ann])
    const b = await book('2031-03-13T14:00', [ann])
    await book('2031-03-14T14:30', [bob])
    const before = await countRows(app, 'scheduled_messages')
    const res = await owner.action('ticket', 'move_day', {
      technician_id: 'Ann Lee',
      date: '2031-03-13',
      to_date: '2031-03-14',
      to_technician_id: 'bob',
    })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('CONFLICT')
    expect(res.body.error.message).toContain('1 of 2 visits cannot move, so none was moved')
    expect(res.body.error.message).toContain(`#${b.number}`)
    expect((await ticket(a.id)).scheduled_start).toBe(a.scheduled_start)
    expect(await crew(a.id)).toEqual([ann])
    expect(await countRows(app, 'scheduled_messages')).toBe(before)
  })

  it('leaves a visit under way where it is and says so', async () => {
    clock.now = new Date('2031-03-17T15:30:00Z')
    const underWay = await book('2031-03-17T09:00', [ann])
    const later = await book('2031-03-17T14:00', [ann])
    await app.t.admin.query(`update tickets set status = 'in_progress' where id = $1`, [underWay.id])
    const res = expectData(await owner.action('ticket', 'move_day', { technician_id: 'Ann', date: 'today', to_date: 'tomorrow' }))
    expect(res.moved.map((v: any) => v.number)).toEqual([later.number])
    expect(res.not_moved).toEqual([expect.objectContaining({ number: underWay.number, reason: expect.stringContaining('under way') })])
    clock.now = new Date('2031-03-05T16:00:00Z')
  })

  it('names the field for a move that changes nothing, goes into the past or names nobody', async () => {
    expectFields(await owner.action('ticket', 'move_day', { technician_id: 'Ann', date: '2031-03-20', to_date: '2031-03-20' }), ['data'])
    expectFields(await owner.action('ticket', 'move_day', { technician_id: 'Ann', date: '2031-03-20' }), ['data.to_date'])
    expectFields(await owner.action('ticket', 'move_day', { technician_id: 'Ann', date: '2031-03-20', to_date: '2031-03-01' }), [
      'data.to_date',
    ])
    expectFields(await owner.action('ticket', 'move_day', { technician_id: 'Zed', date: '2031-03-20', to_date: '2031-03-21' }), [
      'data.technician_id',
    ])
    expectFields(await owner.action('ticket', 'move_day', { technician_id: 'Ann', date: 'someday', to_date: '2031-03-21' }), ['data.date'])
    expectFields(
      await owner.action('ticket', 'move_day', { technician_id: 'Ann', date: '2031-03-20', to_date: '2031-03-21', message: 'Hi {{nope}}' }),
      ['data.message'],
    )
  })

  it("an agent's call waits for the owner, since it emails every customer of the day, and moves nothing meanwhile", async () => {
    const visit = await book('2031-03-24T09:00', [ann])
    const queued = await app.action('ticket', 'move_day', { technician_id: 'Ann', date: '2031-03-24', to_date: '2031-03-25' }, why)
    expect(queued.status).toBe(202)
    expect((await ticket(visit.id)).scheduled_start).toBe(visit.scheduled_start)
    // Allowed, the agent reads which visits moved and to when, not only whose day it was.
    await app.ownerAction('authorization', 'decide', { request_id: queued.body.data.request_id, decision: 'allow_once' })
    const mcp = await connectMcp(app.url, app.tenant.agent_token)
    try {
      const status = toolJson(
        await mcp.callTool({ name: 'crm_authorization_status', arguments: { request_id: queued.body.data.request_id } }),
      ).json
      expect(status.status).toBe('executed')
      expect(status.outcome).toContain(`moved 1: #${visit.number} ${visit.contact_name} → Tue 2031-03-25 09:00`)
    } finally {
      await mcp.close()
    }
  })

  it('an email saying a visit moved cannot be written by hand', async () => {
    const contactId = await customer()
    const res = await app.action('message', 'schedule', { contact_id: contactId, kind: 'moved', body: 'x' })
    expectFields(res, ['data.kind'])
  })
})
