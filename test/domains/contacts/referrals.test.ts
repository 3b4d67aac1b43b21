import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { newContactRecord } from '../../helpers/fixtures.js'

describe.each(engines)('referral chains (%s)', (engine) => {
  let app: TestApp
  const people: Record<string, string> = {}
  const referred = (who: string, by: string) =>
    app.action('contact', 'link', { contact_id: people[who], to_contact_id: people[by], link_type: 'referred_by' })
  const chains = async (who: string, depth?: number) =>
    expectData(await app.query({ type: 'referrals', contact_id: people[who], ...(depth ? { depth } : {}) })).items[0]

  beforeAll(async () => {
    app = await startTestApp(engine)
    for (const name of ['Olga', 'Jane', 'Kim', 'Lee', 'Max', 'Nia', 'Oz'])
      people[name] = (await newContactRecord(app, { display_name: name })).id
    // Olga brought Jane; Jane brought Kim and Lee; Kim brought Max; Max brought Nia; Nia brought Oz; Oz brought Olga (a loop).
    for (const [who, by] of [
      ['Jane', 'Olga'],
      ['Kim', 'Jane'],
      ['Lee', 'Jane'],
      ['Max', 'Kim'],
      ['Nia', 'Max'],
      ['Oz', 'Nia'],
      ['Olga', 'Oz'],
    ]) {
      expectData(await referred(who, by))
    }
  })
  afterAll(() => app.close())

  it('answers who Jane brought us, level by level, with counts, and says the chain goes on', async () => {
    const jane = await chains('Jane')
    expect(jane.contact).toEqual({ id: people.Jane, display_name: 'Jane' })
    expect(jane.referrals.map((r: any) => [r.display_name, r.depth, r.referred_by_id])).toEqual([
      ['Kim', 1, people.Jane],
      ['Lee', 1, people.Jane],
      ['Max', 2, people.Kim],
      ['Nia', 3, people.Max],
    ])
    expect(jane.counts).toEqual({ referred_directly: 2, referred_in_total: 4, by_depth: [2, 1, 1] })
    expect(jane.more_beyond_depth.referrals).toBe(true)
  })

  it('answers who referred Jane, upward, and ends a loop instead of going round it', async () => {
    const jane = await chains('Jane', 5)
    expect(jane.referred_by.map((r: any) => [r.display_name, r.depth, r.referred_id])).toEqual([
      ['Olga', 1, people.Jane],
      ['Oz', 2, people.Olga],
      ['Nia', 3, people.Oz],
      ['Max', 4, people.Nia],
      ['Kim', 5, people.Max],
    ])
    // Downward, the loop comes back round to Olga, who referred Jane: each person once, and never Jane herself.
    expect(jane.referrals.map((r: any) => r.display_name)).toEqual(['Kim', 'Lee', 'Max', 'Nia', 'Oz', 'Olga'])
    expect(jane.referrals.map((r: any) => r.id)).not.toContain(people.Jane)
    expect(jane.more_beyond_depth).toEqual({ referrals: false, referred_by: false })
  })

  it('answers depth 1 with only the direct referrals, and refuses a depth out of range naming it', async () => {
    const lee = await chains('Lee', 1)
    expect(lee.referrals).toEqual([])
    expect(lee.referred_by.map((r: any) => r.display_name)).toEqual(['Jane'])
    expect(lee.more_beyond_depth.referred_by).toBe(true)
    const refused = await app.query({ type: 'referrals', contact_id: people.Jane, depth: 9 })
    expectError(refused, 400, 'VALIDATION_ERROR')
    expect(refused.body.error.message).toContain('depth')
  })
})
