import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { countRows } from '../../helpers/fixtures.js'

describe.each(engines)('a second customer with the same email or phone (%s)', (engine) => {
  let app: TestApp
  let ruth: any
  beforeAll(async () => {
    app = await startTestApp(engine)
    ruth = expectData(
      await app.action('contact', 'create', { display_name: 'Ruth Bell', email: 'Ruth@Home.test', phone: '(256) 555-0102' }),
    )
  })
  afterAll(() => app.close())

  it('is refused with the customer who has it, by email in any case and by phone in any layout', async () => {
    const before = await countRows(app, 'contacts')
    const byEmail = await app.action('contact', 'create', { display_name: 'R. Bell', email: 'ruth@home.TEST' })
    expectError(byEmail, 409, 'CONFLICT')
    expect(byEmail.body.error.details).toMatchObject({
      field: 'data.email',
      matched: { field: 'email', value: 'ruth@home.test' },
      existing: { id: ruth.id, display_name: 'Ruth Bell', email: 'ruth@home.test', phone: '(256) 555-0102' },
    })
    const byPhone = await app.action('contact', 'create', { display_name: 'Someone', phone: '+1 256.555.0102' })
    expectError(byPhone, 409, 'CONFLICT')
    expect(byPhone.body.error.message).toContain(ruth.id)
    expect(byPhone.body.error.details).toMatchObject({
      field: 'data.phone',
      matched: { field: 'phone', value: '(256) 555-0102' },
      existing: { id: ruth.id, display_name: 'Ruth Bell' },
    })
    expect(await countRows(app, 'contacts')).toBe(before)
  })

  it('goes ahead when the caller says it is really someone else', async () => {
    const twin = expectData(
      await app.action('contact', 'create', { display_name: 'Ruth Bell Jr', phone: '256-555-0102', allow_duplicate: true }),
    )
    expect(twin.id).not.toBe(ruth.id)
  })

  it('refuses on update an email another customer has, naming them, and keeps it when the caller says so', async () => {
    const sam = expectData(await app.action('contact', 'create', { display_name: 'Sam Bell', email: 'sam@home.test' }))
    const refused = await app.action('contact', 'update', { contact_id: sam.id, email: 'RUTH@home.test' })
    expectError(refused, 409, 'CONFLICT')
    expect(refused.body.error.message).toContain(ruth.id)
    expect(refused.body.error.details).toMatchObject({ field: 'data.email', existing: { id: ruth.id } })
    const unchanged = expectData(await app.query({ type: 'contacts', id: sam.id }))
    expect(unchanged.email).toBe('sam@home.test')
    // Its own email again, or another change, is no duplicate.
    expectData(await app.action('contact', 'update', { contact_id: sam.id, email: 'Sam@Home.test', about: "Ruth's brother" }))
    const shared = expectData(await app.action('contact', 'update', { contact_id: sam.id, email: 'ruth@home.test', allow_duplicate: true }))
    expect(shared.email).toBe('ruth@home.test')
  })
})
