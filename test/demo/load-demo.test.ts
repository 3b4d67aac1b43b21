import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemo, type DemoCounts } from '../../core/demo/load-demo.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

// A Wednesday at 9:00 in Chicago, so "today" and the upcoming weeks do not depend on when the test runs.
const NOW = new Date('2026-03-11T15:00:00Z')

describe('demo data (pglite)', () => {
  let app: TestApp
  let counts: DemoCounts
  beforeAll(async () => {
    app = await startTestApp('pglite', { now: () => NOW })
    counts = await loadDemo(app.services, app.tenant.tenant_id)
  }, 600_000)
  afterAll(() => app?.close())

  it('creates a window-cleaning business with customers, catalog, team, schedule, leads and waitlist', async () => {
    expect(counts).toMatchObject({ customers: 200, addresses: 200, services: 4, technicians: 2, leads: 8, waitlist_entries: 6 })
    expect(counts.tickets).toBeGreaterThan(100)
    expect(counts.notes).toBeGreaterThan(20)
    expect(counts.attributes).toBeGreaterThan(50)
    const catalog = await app.query({ type: 'services', limit: 10 })
    expect(catalog.body.data.items.map((s: any) => [s.name, s.pricing, s.price_cents]).sort()).toEqual([
      ['Exterior Window Cleaning', 'flexible', 20000],
      ['Gutter Cleaning', 'fixed', 15000],
      ['Interior and Exterior Window Cleaning', 'flexible', 35000],
      ['Screen Cleaning', 'per_unit', 500],
    ])
    const techs = await app.query({ type: 'users', role: 'technician' })
    expect(techs.body.data.items).toHaveLength(2)
    const leads = await app.query({ type: 'leads', limit: 50 })
    expect(leads.body.data.items).toHaveLength(8)
  })

  it('books the busiest upcoming day with at least ten tickets and no technician double-booked', async () => {
    const { date, tickets } = counts.busiest_upcoming_day
    expect(date > '2026-03-11').toBe(true)
    expect(tickets).toBeGreaterThanOrEqual(10)
    const day = await app.query({ type: 'tickets', date, limit: 100, include: 'technicians' })
    const items = day.body.data.items
    expect(items.length).toBeGreaterThanOrEqual(10)
    const byTech = new Map<string, Array<[string, string]>>()
    for (const t of items) {
      expect(t.technicians).toHaveLength(1)
      const list = byTech.get(t.technicians[0].user_id) ?? []
      list.push([t.scheduled_start, t.scheduled_end])
      byTech.set(t.technicians[0].user_id, list)
    }
    for (const list of byTech.values()) {
      const sorted = list.map(([s, e]) => [Date.parse(s), Date.parse(e)]).sort((a, b) => a[0] - b[0])
      for (let i = 1; i < sorted.length; i++) expect(sorted[i][0]).toBeGreaterThanOrEqual(sorted[i - 1][1])
    }
  })

  it('answers everyday questions: today\'s tickets and customers by attribute and town', async () => {
    const today = await app.query({ type: 'tickets', today: 'true', limit: 100 })
    expect(today.status).toBe(200)
    expect(today.body.data.items.length).toBeGreaterThan(0)
    const elderly = await app.query({ type: 'contacts', attribute: 'customer_demographic:elderly', include: 'attributes', limit: 100 })
    expect(elderly.body.data.items.length).toBeGreaterThan(5)
    for (const c of elderly.body.data.items) {
      expect(c.attributes.find((a: any) => a.key === 'customer_demographic')?.value).toBe('elderly')
    }
    const owens = await app.query({ type: 'contacts', city: 'Owens Cross Roads', attribute: 'screens', include: 'addresses', limit: 100 })
    expect(owens.body.data.items.length).toBeGreaterThan(0)
    for (const c of owens.body.data.items) expect(c.addresses[0].postal_code).toBe('35763')
  })

  it('records every change in the audit trail as the owner', async () => {
    const page = await app.query({ type: 'contacts', limit: 1, include: 'audit_trail' })
    const entry = page.body.data.items[0].audit_trail[0]
    expect(entry).toMatchObject({ action: 'create', actor_type: 'user', actor_id: app.tenant.owner_user_id })
  })

  it('refuses to load into a business that already has contacts', async () => {
    await expect(loadDemo(app.services, app.tenant.tenant_id)).rejects.toMatchObject({ code: 'CONFLICT' })
    const again = await app.query({ type: 'contacts', limit: 100, cursor: (await app.query({ type: 'contacts', limit: 100 })).body.data.next_cursor })
    expect(again.body.data.items).toHaveLength(100)
    expect(again.body.data.next_cursor).toBeNull()
  })
})
