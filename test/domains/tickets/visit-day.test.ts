import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { newContact, newService, signedIn, type SignedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')
const why = { reasoning: 'the technician says the job is done' }

describe.each(engines)("clock-ins and close-outs start on the visit's day (%s)", (engine) => {
  let app: TestApp
  let tech: SignedIn
  let owner: SignedIn
  let techId: string
  let contactId: string
  let serviceId: string

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    techId = await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    tech = await signedIn(app, techId)
    owner = await signedIn(app, app.tenant.owner_user_id)
    contactId = await newContact(app, { display_name: 'Vera Visit' })
    serviceId = (await newService(app, { name: 'Window cleaning', pricing: 'fixed', price_cents: 15000 })).id
  })
  afterAll(() => app?.close())

  const book = async (start: string) =>
    expectData(
      await app.action('ticket', 'create', {
        contact_id: contactId,
        scheduled_start: start,
        duration_minutes: 60,
        technician_ids: [techId],
        line_items: [{ service_id: serviceId }],
      }),
    ) as { id: string; number: number }
  const closing = (id: string, extra: Record<string, unknown> = {}) => ({
    ticket_id: id,
    duration_minutes: 60,
    line_items: [{ service_id: serviceId }],
    notes: '',
    next_service: { kind: 'none' },
    ...extra,
  })
  const auditOf = async (id: string) => expectData(await app.query({ type: 'tickets', id, include: 'audit_trail' })).audit_trail as any[]

  it("refuses a technician's close-out and clock-in before the visit's day, saying from when, and writes nothing", async () => {
    const inTwoWeeks = await book('2026-11-19T10:00')
    const opens = "from Thu 2026-11-19 00:00 (America/Chicago), the visit's day"
    const start = await tech.action('closeout', 'start', { ticket_id: inTwoWeeks.id })
    expectError(start, 409, 'CONFLICT')
    expect(start.body.error.message).toContain(
      `Ticket #${inTwoWeeks.number} is booked for Thu 2026-11-19 10:00: its close-out can start ${opens}`,
    )
    expect(start.body.error.details).toMatchObject({ ticket_id: inTwoWeeks.id, day: '2026-11-19', opens_at: '2026-11-19T06:00:00.000Z' })
    expectError(await tech.action('ticket', 'close', closing(inTwoWeeks.id)), 409, 'CONFLICT')
    // Saying early changes nothing for a technician: the override is the owner's.
    expectError(await tech.action('closeout', 'start', { ticket_id: inTwoWeeks.id, early: true }), 409, 'CONFLICT')

    const inAWeek = await book('2026-11-12T10:00')
    const clockIn = await tech.action('ticket', 'clock_in', { ticket_id: inAWeek.id })
    expectError(clockIn, 409, 'CONFLICT')
    expect(clockIn.body.error.message).toContain('its clock-in can start from Thu 2026-11-12 00:00')
    // A press "kept on the phone" two hours ago is no way around it either.
    const backDated = await tech.action('ticket', 'clock_in', { ticket_id: inAWeek.id, at: '2026-11-05T07:30' })
    expectError(backDated, 400, 'VALIDATION_ERROR')
    expect(backDated.body.error.details.issues[0]).toMatchObject({ field: 'data.at' })
    expect(backDated.body.error.details.issues[0].message).toContain("is before the visit's day")

    for (const id of [inTwoWeeks.id, inAWeek.id]) {
      const t = expectData(await app.query({ type: 'tickets', id, include: 'technicians' }))
      expect(t.status).toBe('scheduled')
      expect(t.technicians[0].clock_in_at).toBeNull()
      expect((await auditOf(id)).map((a) => a.action)).toEqual(['create'])
    }
    expectError(await tech.query({ type: 'closeouts', id: inTwoWeeks.id }), 404, 'NOT_FOUND')
  })

  it("lets the work start any time on the visit's day, before its hour too, and after it", async () => {
    const laterToday = await book('2026-11-05T16:00')
    expectData(await tech.action('ticket', 'clock_in', { ticket_id: laterToday.id, at: '2026-11-05T00:10' }))
    expectData(await tech.action('closeout', 'start', { ticket_id: laterToday.id }))
    const yesterday = await book('2026-11-04T10:00')
    expectData(await tech.action('ticket', 'close', closing(yesterday.id)))
    expect(expectData(await app.query({ type: 'tickets', id: yesterday.id })).status).toBe('completed')
  })

  it("refuses an agent the owner's override outright, and tells it from when otherwise", async () => {
    const nextWeek = await book('2026-11-13T10:00')
    expectError(await app.action('ticket', 'close', closing(nextWeek.id, { early: true }), why), 403, 'FORBIDDEN')
    expectError(await app.action('ticket', 'clock_in', { ticket_id: nextWeek.id, early: true }), 403, 'FORBIDDEN')
    const clockIn = await app.action('ticket', 'clock_in', { ticket_id: nextWeek.id })
    expectError(clockIn, 409, 'CONFLICT')
    expect(clockIn.body.error.message).toContain('from Fri 2026-11-13 00:00')
  })

  it("lets the owner start sooner on purpose, and the audit says it was before the visit's day", async () => {
    const nextWeek = await book('2026-11-12T13:00')
    expectData(await owner.action('closeout', 'start', { ticket_id: nextWeek.id, early: true }))
    const started = (await auditOf(nextWeek.id)).find((a) => a.action === 'closeout_start')
    expect(started.changes.started_before_its_day).toEqual({ old: null, new: '2026-11-12' })
    expect(started.actor_id).toBe(app.tenant.owner_user_id)

    const inTwoWeeks = await book('2026-11-19T13:00')
    expectData(await owner.action('ticket', 'clock_in', { ticket_id: inTwoWeeks.id, user_id: techId, early: true }))
    const closed = expectData(await owner.action('ticket', 'close', closing(inTwoWeeks.id, { early: true })))
    expect(closed.ticket.status).toBe('completed')
    const trail = await auditOf(inTwoWeeks.id)
    for (const action of ['clock_in', 'close']) {
      expect(trail.find((a) => a.action === action).changes.started_before_its_day).toEqual({ old: null, new: '2026-11-19' })
    }
    // Without saying so, the owner is told from when too.
    const third = await book('2026-11-20T13:00')
    expectError(await owner.action('ticket', 'close', closing(third.id)), 409, 'CONFLICT')
  })
})
