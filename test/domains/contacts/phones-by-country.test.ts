import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreatedTenant } from '../../../core/kernel/tenants.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'

// A customer's number in the national form of the business's country and in the international form, each way round.
const COUNTRIES = [
  {
    zone: 'Europe/London',
    national: '020 7946 0958',
    international: '+44 20 7946 0958',
    second: ['+44 161 496 0000', '0161 496 0000'],
    other: '+49 20 7946 0958',
  },
  {
    zone: 'Europe/Berlin',
    national: '030 1234567',
    international: '+49 30 1234567',
    second: ['+49 89 12345678', '089 12345678'],
    other: '+44 30 1234567',
  },
  {
    zone: 'America/Mexico_City',
    national: '55 1234 5678',
    international: '+52 55 1234 5678',
    second: ['+52 33 1234 5678', '33 1234 5678'],
    other: '+1 551 234 5678',
  },
] as const

describe.each(engines)("a customer's phone matched by its country's rules (%s)", (engine) => {
  let app: TestApp
  const businesses = new Map<string, CreatedTenant>()
  beforeAll(async () => {
    app = await startTestApp(engine)
    for (const c of COUNTRIES) {
      const tenant = await app.createTenant(`Windows ${c.zone.split('/')[1].replace('_', ' ')}`)
      await app.t.admin.query('update tenants set timezone = $2 where id = $1', [tenant.tenant_id, c.zone])
      businesses.set(c.zone, tenant)
    }
  })
  afterAll(() => app.close())

  describe.each(COUNTRIES)('a business in $zone', ({ zone, national, international, second, other }) => {
    const as = () => ({ token: businesses.get(zone)!.agent_token })

    it('finds the customer by the number in national or international form, and refuses it twice in either', async () => {
      for (const [stored, asked, name] of [
        [national, international, 'Nat Stored'],
        [second[0], second[1], 'Intl Stored'],
      ]) {
        const customer = expectData(await app.action('contact', 'create', { display_name: name, phone: stored }, as()))
        const twice = await app.action('contact', 'create', { display_name: `${name} again`, phone: asked }, as())
        expectError(twice, 409, 'CONFLICT')
        expect(twice.body.error.details).toMatchObject({ existing: { id: customer.id } })
        // A number named where a customer is asked for finds them too.
        const phoned = expectData(await app.action('contact', 'update', { contact_id: asked, about: `Reached on ${asked}` }, as()))
        expect(phoned.id).toBe(customer.id)
        const listed = expectData(await app.query({ type: 'contacts', q: asked }, as().token))
        expect(listed.items.map((c: { id: string }) => c.id)).toContain(customer.id)
      }
    })

    it("does not take another country's number with the same digits for the customer's", async () => {
      const customer = expectData(await app.query({ type: 'contacts', q: international }, as().token)).items[0]
      const stranger = expectData(await app.action('contact', 'create', { display_name: 'Stranger', phone: other }, as()))
      expect(stranger.id).not.toBe(customer.id)
      const stored = await app.t.admin.query<{ phone_key: string }>(
        'select phone_key from contacts where id = any($1::uuid[]) order by display_name',
        [[customer.id, stranger.id]],
      )
      expect(new Set(stored.rows.map((r) => r.phone_key)).size).toBe(2)
    })
  })
})
