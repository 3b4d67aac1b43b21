import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditTrailActions, expectFields, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

describe.each(engines)('business settings (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('reads the defaults of a new business', async () => {
    const s = expectData(await app.query({ type: 'settings' })).items[0]
    expect(s).toMatchObject({
      id: app.tenant.tenant_id,
      name: 'Sparkle Windows',
      timezone: 'America/Chicago',
      currency: 'USD',
      default_tax_rate_bp: 0,
      invoice_prefix: 'INV',
      invoice_terms_days: 15,
    })
    expect(s.business_hours.mon).toEqual([['08:00', '17:00']])
    expect(s.business_hours.sun).toEqual([])
  })

  it('updates only the fields given, merges weekdays, and records the change', async () => {
    const owner = await signedIn(app, app.tenant.owner_user_id)
    const updated = expectData(
      await owner.action('settings', 'update', {
        name: 'Sparkle Window Co',
        timezone: 'America/New_York',
        default_tax_rate_bp: 825,
        business_hours: {
          sat: [['09:00', '12:00']],
          mon: [
            ['07:30', '12:00'],
            ['13:00', '18:00'],
          ],
        },
        reply_to_email: 'office@sparkle.test',
        payment_instructions: 'Checks payable to Sparkle Window Co',
      }),
    )
    expect(updated).toMatchObject({
      name: 'Sparkle Window Co',
      timezone: 'America/New_York',
      default_tax_rate_bp: 825,
      reply_to_email: 'office@sparkle.test',
      currency: 'USD',
      invoice_prefix: 'INV',
    })
    expect(updated.business_hours).toMatchObject({
      sat: [['09:00', '12:00']],
      mon: [
        ['07:30', '12:00'],
        ['13:00', '18:00'],
      ],
      tue: [['08:00', '17:00']],
      sun: [],
    })
    const read = expectData(await app.query({ type: 'settings', id: app.tenant.tenant_id, include: 'audit_trail' }))
    expect(read.timezone).toBe('America/New_York')
    const entry = read.audit_trail.at(-1)
    expect(entry).toMatchObject({ action: 'update', actor_type: 'user', actor_id: app.tenant.owner_user_id })
    expect(entry.changes.default_tax_rate_bp).toEqual({ old: 0, new: 825 })
    expect(entry.changes.name).toEqual({ old: 'Sparkle Windows', new: 'Sparkle Window Co' })
    expect(await auditTrailActions(app, 'settings', app.tenant.tenant_id)).toEqual(['create', 'update'])
  })

  it('clears the reply-to address with null', async () => {
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expect(expectData(await owner.action('settings', 'update', { reply_to_email: null })).reply_to_email).toBeNull()
  })

  it('refuses a bad time zone, hours and tax rate, naming each field, and changes nothing', async () => {
    const before = expectData(await app.query({ type: 'settings' })).items[0]
    expectFields(await app.action('settings', 'update', { timezone: 'Mars/Olympus' }), ['data.timezone'])
    // Node knows this name and the database does not: the database's refusal names the field, not a failed transaction.
    const unknownToDatabase = await app.action('settings', 'update', { timezone: 'US/Pacific-New' })
    expectFields(unknownToDatabase, ['data.timezone'])
    expect(JSON.stringify(unknownToDatabase.body.error)).toContain('US/Pacific-New is not a time zone the database knows')
    // An abbreviation is a fixed offset to the database, without summer time: not a business's time zone.
    expectFields(await app.action('settings', 'update', { timezone: 'PST' }), ['data.timezone'])
    expectFields(await app.action('settings', 'update', { default_tax_rate_bp: 10_001 }), ['data.default_tax_rate_bp'])
    expectFields(await app.action('settings', 'update', { business_hours: { tue: [['9:00', '17:00']] } }), ['data.business_hours.tue.0.0'])
    expectFields(await app.action('settings', 'update', { business_hours: { holiday: [] } }), ['data.business_hours'])
    const backwards = await app.action('settings', 'update', { invoice_terms_days: 45, business_hours: { wed: [['17:00', '08:00']] } })
    expectFields(backwards, ['data.business_hours.wed.0'])
    expect(backwards.body.error.message).toMatch(/start must be before the end/)
    expectFields(
      await app.action('settings', 'update', {
        business_hours: {
          thu: [
            ['08:00', '12:00'],
            ['11:00', '15:00'],
          ],
        },
      }),
      ['data.business_hours.thu.1'],
    )
    expectFields(await app.action('settings', 'update', { currency: 'usd', invoice_prefix: 'inv-2026' }), [
      'data.currency',
      'data.invoice_prefix',
    ])
    expect(expectData(await app.query({ type: 'settings' })).items[0]).toEqual(before)
  })

  it('is for owners: a technician is refused, an owner signed in may change it', async () => {
    const tech = await signedIn(app, await addUser(app, 'tech@sparkle.test', 'technician', 'Tess Tech'))
    expectError(await tech.action('settings', 'update', { default_tax_rate_bp: 0 }), 403, 'FORBIDDEN')
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expect(expectData(await owner.action('settings', 'update', { invoice_terms_days: 30 })).invoice_terms_days).toBe(30)
    const trail = expectData(await app.query({ type: 'settings', id: app.tenant.tenant_id, include: 'audit_trail' })).audit_trail
    expect(trail.at(-1)).toMatchObject({ actor_type: 'user', actor_id: app.tenant.owner_user_id })
    expect(trail.some((a: any) => a.changes.default_tax_rate_bp?.new === 0)).toBe(false)
  })
})
