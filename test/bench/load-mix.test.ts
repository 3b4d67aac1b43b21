import { describe, expect, it } from 'vitest'
import { buildMix, MIX_KINDS, type MixBusiness } from '../../bench/load-mix.js'

const business = (n: number): MixBusiness => ({
  token: `crm_token${n}`,
  contactIds: [`c${n}a`, `c${n}b`, `c${n}c`],
  names: [`Name ${n}`],
  serviceId: `s${n}`,
  readDays: ['2026-12-01', '2026-12-02'],
  bookingDays: ['2026-12-10'],
})

describe('buildMix', () => {
  it('sends each kind its share for every business, businesses taking turns', () => {
    const mix = buildMix([business(1), business(2), business(3)], 2)
    const perRound = MIX_KINDS.reduce((s, [, n]) => s + n, 0)
    expect(mix).toHaveLength(2 * perRound * 3)
    // Consecutive requests act for different businesses.
    expect(mix.slice(0, 3).map((r) => r.headers?.authorization)).toEqual(['Bearer crm_token1', 'Bearer crm_token2', 'Bearer crm_token3'])
    for (const [kind, n] of MIX_KINDS) {
      const ofKind = mix.filter((r) => r.label === kind)
      expect(ofKind).toHaveLength(2 * n * 3)
      expect(ofKind.filter((r) => r.headers?.authorization === 'Bearer crm_token2')).toHaveLength(2 * n)
    }
    expect(mix.filter((r) => r.method === 'POST').length / mix.length).toBeCloseTo(0.2)
  })

  it("reads each business's own records and expects them in the answer", () => {
    const mix = buildMix([business(1), business(2)], 1)
    for (const r of mix.filter((x) => x.label === 'customer by id')) {
      const owner = r.headers?.authorization === 'Bearer crm_token1' ? '1' : '2'
      expect(r.path).toMatch(new RegExp(`id=c${owner}[abc]$`))
      expect(r.path.endsWith(r.expect ?? 'missing')).toBe(true)
    }
    const search = mix.find((x) => x.label === 'search' && x.headers?.authorization === 'Bearer crm_token2')
    expect(search).toMatchObject({ path: '/api/data?type=search&q=Name%202', expect: 'Name 2' })
    const booking = mix.find((x) => x.label === 'ticket.create' && x.headers?.authorization === 'Bearer crm_token1')
    expect(booking?.body).toMatchObject({
      domain: 'ticket',
      action: 'create',
      data: { scheduled_start: '2026-12-10T15:00:00Z', line_items: [{ service_id: 's1' }] },
    })
  })

  it('gives every created customer its own name', () => {
    const created = buildMix([business(1), business(2)], 3).filter((r) => r.label === 'contact.create')
    const names = created.map((r) => (r.body as { data: { display_name: string } }).data.display_name)
    expect(new Set(names).size).toBe(names.length)
  })

  it('refuses to build a mix without a business or without values to use', () => {
    expect(() => buildMix([], 1)).toThrow(/at least one business/)
    expect(() => buildMix([{ ...business(1), names: [] }], 1)).toThrow(/values for search/)
  })
})
