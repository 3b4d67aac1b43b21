import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { made } from '../../helpers/fixtures.js'

describe.each(engines)('partner organizations and the referrals they bring (%s)', (engine) => {
  let app: TestApp
  let acme: string
  let pam: string
  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => new Date('2031-03-03T15:00:00Z') })
    acme = (await made(app, 'contact', 'create', { kind: 'organization', display_name: 'Acme Property Management' })).id
    pam = (await made(app, 'contact', 'create', { display_name: 'Pam Manager' })).id
    await made(app, 'contact', 'link', { contact_id: pam, to_contact_id: acme, link_type: 'works_at' })
  })
  afterAll(() => app.close())

  it('a person cannot be a partner; an organization can, with what it is to the business, since when and a note', async () => {
    expectError(await app.action('partner', 'set', { contact_id: pam, roles: ['referrer'] }), 409, 'CONFLICT')
    const set = await made(app, 'partner', 'set', { contact_id: acme, roles: ['referrer', 'contractor'], note: 'Sends her buildings' })
    expect(set).toEqual({ contact_id: acme, roles: ['contractor', 'referrer'], since: '2031-03-03', note: 'Sends her buildings' })
    const again = await made(app, 'partner', 'set', { contact_id: acme, roles: ['referrer'] })
    expect(again).toMatchObject({ roles: ['referrer'], since: '2031-03-03', note: 'Sends her buildings' })
  })

  it('counts the customers it referred, or whose referrer works there, and what they paid', async () => {
    const direct = (await made(app, 'contact', 'create', { display_name: 'Dora Direct' })).id
    const viaPam = (await made(app, 'contact', 'create', { display_name: 'Vic Via' })).id
    await made(app, 'contact', 'link', { contact_id: direct, to_contact_id: acme, link_type: 'referred_by' })
    await made(app, 'contact', 'link', { contact_id: viaPam, to_contact_id: pam, link_type: 'referred_by' })
    const invoice = await made(app, 'invoice', 'create', {
      contact_id: viaPam,
      line_items: [{ description: 'Windows', unit_price_cents: 20_000, taxable: false }],
    })
    await app.ownerAction('invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 20_000, method: 'check' })
    const [partner] = expectData(await app.query({ type: 'partners' })).items
    expect(partner).toMatchObject({
      id: acme,
      display_name: 'Acme Property Management',
      roles: ['referrer'],
      people: 1,
      referrals: 2,
      referred_paid_cents: 20_000,
    })
    expect(partner.recent_referrals.map((r: any) => r.display_name).sort()).toEqual(['Dora Direct', 'Vic Via'])
    expect(expectData(await app.query({ type: 'partners', role: 'subcontractor' })).items).toEqual([])
    expect(expectData(await app.query({ type: 'partners', id: acme })).id).toBe(acme)
  })

  it('no roles: no longer a partner', async () => {
    expect(await made(app, 'partner', 'set', { contact_id: acme, roles: [] })).toEqual({
      contact_id: acme,
      roles: [],
      since: null,
      note: null,
    })
    expect(expectData(await app.query({ type: 'partners' })).items).toEqual([])
  })
})
