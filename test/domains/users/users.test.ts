import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditTrailActions, countRows, expectFields, newContact, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

const why = 'The owner hired a new technician and asked me to add her'

describe.each(engines)('the team (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('adds a technician (the agent asks, the owner allows) who can then sign in, lists and renames them, and audits both with the reasoning', async () => {
    const request = expectData(await app.action('user', 'add', { email: 'dana@sparkle.test', name: 'Dana Diaz' }, { reasoning: why }), 202)
    const added = (await app.ownerAction('authorization', 'decide', { request_id: request.request_id, decision: 'allow_once' })).result
    expect(added).toMatchObject({ email: 'dana@sparkle.test', name: 'Dana Diaz', role: 'technician' })
    const list = expectData(await app.query({ type: 'users', role: 'technician' }))
    expect(list.items.map((u: any) => u.email)).toEqual(['dana@sparkle.test'])
    const owner = await signedIn(app, app.tenant.owner_user_id)
    const renamed = expectData(await owner.action('user', 'update', { user_id: added.id, name: 'Dana Diaz-Reyes', role: 'owner' }))
    expect(renamed).toMatchObject({ name: 'Dana Diaz-Reyes', role: 'owner' })
    expect(await auditTrailActions(app, 'users', added.id)).toEqual(['create', 'update'])
    const trail = expectData(await app.query({ type: 'users', id: added.id, include: 'audit_trail' })).audit_trail
    expect(trail[0].reasoning).toBe(why)
    expect(trail[1].changes.role).toEqual({ old: 'technician', new: 'owner' })
    const asked = await fetch(`${app.url}/auth/magic-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'dana@sparkle.test' }),
    })
    expect(asked.status).toBe(200)
    expect(app.email.sent.map((m) => m.to)).toContain('dana@sparkle.test')
  })

  it('an agent must say why it adds someone', async () => {
    const before = await countRows(app, 'users')
    const res = await app.action('user', 'add', { email: 'eve@sparkle.test', name: 'Eve' })
    expectError(res, 422, 'REASONING_REQUIRED')
    expect(await countRows(app, 'users')).toBe(before)
  })

  it('refuses bad input and a second person with the same address, naming the field', async () => {
    const before = await countRows(app, 'users')
    expectFields(await app.action('user', 'add', { email: 'not-an-address', name: '', role: 'boss' }, { reasoning: why }), [
      'data.email',
      'data.name',
      'data.role',
    ])
    const dup = await app.action('user', 'add', { email: 'OWNER@sparkle.test', name: 'Copy' }, { reasoning: why })
    expectError(dup, 409, 'CONFLICT')
    expect(dup.body.error.message).toContain(app.tenant.owner_user_id)
    expect(await countRows(app, 'users')).toBe(before)
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expectError(await owner.action('user', 'update', { user_id: '00000000-0000-4000-8000-000000000000', name: 'X' }), 404, 'NOT_FOUND')
  })

  it('keeps at least one owner', async () => {
    const owner = await signedIn(app, app.tenant.owner_user_id)
    const owners = expectData(await app.query({ type: 'users', role: 'owner' })).items
    for (const o of owners.filter((u: any) => u.id !== app.tenant.owner_user_id)) {
      expectData(await owner.action('user', 'update', { user_id: o.id, role: 'technician' }))
    }
    const last = await owner.action('user', 'update', { user_id: app.tenant.owner_user_id, role: 'technician' })
    expectError(last, 409, 'CONFLICT')
    expect(last.body.error.message).toMatch(/only owner/)
    expect(expectData(await app.query({ type: 'users', id: app.tenant.owner_user_id })).role).toBe('owner')
  })

  it('is for owners: a technician cannot add or promote people', async () => {
    const techId = await addUser(app, 'tom@sparkle.test', 'technician', 'Tom')
    const tech = await signedIn(app, techId)
    expectError(await tech.action('user', 'add', { email: 'friend@sparkle.test', name: 'Friend' }), 403, 'FORBIDDEN')
    expectError(await tech.action('user', 'update', { user_id: techId, role: 'owner' }), 403, 'FORBIDDEN')
    expectError(await tech.query({ type: 'users', id: techId }), 403, 'FORBIDDEN')
    expect(expectData(await app.query({ type: 'users', id: techId })).role).toBe('technician')
  })

  it('never lets an agent make or promote an owner, rename the team, or give itself a level', async () => {
    const before = await countRows(app, 'users')
    const made = await app.action('user', 'add', { email: 'boss@sparkle.test', name: 'Boss', role: 'owner' }, { reasoning: why })
    expectError(made, 403, 'FORBIDDEN')
    expect(made.body.error.message).toMatch(/never add an owner/)
    expect(await countRows(app, 'users')).toBe(before)
    const techId = await addUser(app, 'tina@sparkle.test', 'technician', 'Tina')
    expectError(await app.action('user', 'update', { user_id: techId, role: 'owner' }, { reasoning: why }), 403, 'FORBIDDEN')
    expect(expectData(await app.query({ type: 'users', id: techId })).role).toBe('technician')
  })

  it('gives no work to a deactivated person: refused on a ticket, gone from the free times, listed apart', async () => {
    const owner = await signedIn(app, app.tenant.owner_user_id)
    const kim = await addUser(app, 'kim@sparkle.test', 'technician', 'Kim Kane')
    const lee = await addUser(app, 'lee@sparkle.test', 'technician', 'Lee Lowe')
    expectData(await owner.action('user', 'update', { user_id: kim, active: false }))
    const contact = await newContact(app, { display_name: 'Nora North' })
    const tickets = await countRows(app, 'tickets')
    const refused = await app.action('ticket', 'create', {
      contact_id: contact,
      scheduled_start: '2031-03-04T09:00',
      duration_minutes: 60,
      technician_ids: [lee, kim],
    })
    expectError(refused, 400, 'VALIDATION_ERROR')
    expect(refused.body.error.message).toContain('Kim Kane was deactivated')
    expect(refused.body.error.details.issues).toEqual([
      { field: 'data.technician_ids.1', message: 'was deactivated and can no longer be given work' },
    ])
    expect(await countRows(app, 'tickets')).toBe(tickets)
    const ticket = expectData(
      await app.action('ticket', 'create', {
        contact_id: contact,
        scheduled_start: '2031-03-04T09:00',
        duration_minutes: 60,
        technician_ids: [lee],
      }),
    )
    expectFields(await app.action('ticket', 'assign_technicians', { ticket_id: ticket.id, technician_ids: [kim] }, { reasoning: why }), [
      'data.technician_ids.0',
    ])
    const free = expectData(await app.query({ type: 'availability', from: '2031-03-04', to: '2031-03-04', limit: 100 })).items.map(
      (i: any) => i.technician_id,
    )
    expect(free).toContain(lee)
    expect(free).not.toContain(kim)
    const active = expectData(await app.query({ type: 'users', active: 'true' })).items.map((u: any) => u.id)
    const gone = expectData(await app.query({ type: 'users', active: 'false' })).items.map((u: any) => u.id)
    expect(active).toContain(lee)
    expect(active).not.toContain(kim)
    expect(gone).toEqual([kim])
    expectFields(await app.query({ type: 'users', active: 'maybe' }), ['active'])
  })
})
