import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import type { Principal } from '../../../core/kernel/context.js'
import { withTenant } from '../../../core/db/tenant.js'
import { dailyBriefing } from '../../../mcp/workflows/daily-briefing.js'
import { engines } from '../../helpers/databases.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { recordingDatabase, type RecordedUnit } from '../../../bench/recording-database.js'
import { letters } from '../../helpers/fixtures.js'

const TECHS = ['Maria Lopez', 'Dave Chen', 'Sam Okafor']

describe.each(engines)('daily_briefing (%s)', (engine) => {
  let app: TestApp
  let principal: Principal
  // What the app sends, transaction by transaction.
  let sent: RecordedUnit[] = []
  const brief = (date?: string) =>
    dailyBriefing.run({ services: app.services, principal, requestId: randomUUID() }, { date }) as Promise<{
      date: string
      briefing: string
    }>

  beforeAll(async () => {
    // 2026-03-10 06:00 in Chicago (CDT, UTC-5).
    app = await startTestApp(engine, { now: () => new Date('2026-03-10T11:00:00Z') }, (db) => {
      const recording = recordingDatabase(db)
      sent = recording.units
      return recording.db
    })
    principal = (await authenticateAgentToken(app.t.db, app.tenant.agent_token))!
    const techIds = await withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, async (tx) => {
      const ids: string[] = []
      for (const name of TECHS) {
        const r = await tx.query<{ id: string }>(
          `insert into users (tenant_id, email, name, role) values ($1, $2, $3, 'technician') returning id`,
          [app.tenant.tenant_id, `${name.split(' ')[0].toLowerCase()}@sparkle.test`, name],
        )
        ids.push(r.rows[0].id)
      }
      return ids
    })
    // A 12-ticket day: four visits per technician at 09:00, 11:00, 13:00 and 15:00, each customer with an address and facts.
    for (let i = 0; i < 12; i++) {
      const c = await app.action('contact', 'create', {
        first_name: `Customer${letters(i)}`,
        last_name: 'Harrington-Smith',
        email: `c${i}@example.com`,
      })
      const contactId = c.body.data.id
      const a = await app.action('address', 'add', {
        contact_id: contactId,
        line1: `${100 + i} Magnolia Grove Boulevard`,
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
        access_notes: 'gate code 4412',
      })
      expect(a.status).toBe(200)
      await app.action('attribute', 'set', { contact_id: contactId, key: 'pets', value: ['dog Biscuit'] })
      await app.action('attribute', 'set', { contact_id: contactId, key: 'gate', value: 'keep gate closed' })
      const t = await app.action('ticket', 'create', {
        contact_id: contactId,
        address_id: a.body.data.id,
        technician_ids: [techIds[i % 3]],
        scheduled_start: new Date(Date.UTC(2026, 2, 10, 14 + 2 * Math.floor(i / 3))).toISOString(),
        duration_minutes: 90,
        line_items: [{ description: 'Exterior window cleaning', quantity: 1, unit_price_cents: 20_000 }],
      })
      expect(t.status).toBe(200)
    }
    await app.action('lead', 'create', {
      raw_notes: 'wants gutters',
      name: 'Pat Rivera',
      service_interest: 'gutter cleaning',
      reminder_at: '2026-03-10T15:00:00Z',
    })
    const lead = await app.action('lead', 'create', { raw_notes: 'wants a quote', name: 'Quinn Quote' })
    await app.action('interaction', 'log', {
      lead_id: lead.body.data.id,
      kind: 'call',
      direction: 'outbound',
      summary: 'Sent prices',
      follow_up_on: '2026-03-09',
      occurred_at: '2026-03-06T15:00:00Z',
    })
  })
  afterAll(() => app.close())

  it("lists each technician's day with local times, addresses and the facts a technician needs", async () => {
    const r = await brief('2026-03-10')
    const lines = r.briefing.split('\n')
    for (const name of TECHS) expect(lines).toContain(`${name}:`)
    const maria = lines.slice(lines.indexOf('Maria Lopez:') + 1, lines.indexOf('Maria Lopez:') + 5)
    expect(maria.map((l) => l.trim().slice(0, 11))).toEqual(['09:00-10:30', '11:00-12:30', '13:00-14:30', '15:00-16:30'])
    expect(maria[0]).toContain('CustomerA Harrington-Smith; 100 Magnolia Grove Boulevard, Huntsville; gate code 4412')
    expect(maria[0]).toContain('dog Biscuit')
    expect(maria[0]).toContain('keep gate closed')
    expect(r.briefing).toMatch(/Unconfirmed: #\d+ \(pending\)/)
    expect(r.briefing).toContain('Leads due: Pat Rivera (gutter cleaning)')
    expect(r.briefing).toContain('Follow-ups due: 1 (crm_query type=interactions follow_up=due)')
  })

  it('reads the whole day in one transaction', async () => {
    sent.length = 0
    const { briefing } = await brief('2026-03-10')
    expect(briefing).toContain('Maria Lopez')
    expect(sent.filter((u) => u.transaction)).toHaveLength(1)
    expect(sent.filter((u) => !u.transaction)).toEqual([])
  })

  it('stays within 1,500 tokens (characters / 4) for a 12-ticket day', async () => {
    const r = await brief('2026-03-10')
    expect(r.briefing.split('\n').filter((l) => /^ \d\d:\d\d/.test(l))).toHaveLength(12)
    expect(JSON.stringify(r).length / 4).toBeLessThanOrEqual(1_500)
  })

  it('on a day of more than 25 visits gives each one short line and counts the unconfirmed, within 1,500 tokens', async () => {
    const techs = await app.query({ type: 'users', role: 'technician' })
    const techIds = (techs.body.data.items as Array<{ id: string }>).map((u) => u.id)
    for (let i = 0; i < 27; i++) {
      const c = await app.action('contact', 'create', { display_name: `Busy ${letters(i)} Whitaker-Jones`, email: `busy${i}@example.com` })
      const a = await app.action('address', 'add', {
        contact_id: c.body.data.id,
        line1: `${i} Elm Street`,
        city: 'Madison',
        state: 'AL',
        postal_code: '35758',
        access_notes: 'code 9911',
      })
      // Nine visits per technician, 50 minutes apart from 08:00 on 2026-03-12 (CDT).
      const start = new Date(Date.UTC(2026, 2, 12, 13) + Math.floor(i / 3) * 50 * 60_000).toISOString()
      const t = await app.action('ticket', 'create', {
        contact_id: c.body.data.id,
        address_id: a.body.data.id,
        technician_ids: [techIds[i % 3]],
        scheduled_start: start,
        duration_minutes: 45,
        line_items: [{ description: 'Windows', quantity: 1, unit_price_cents: 10_000 }],
      })
      expect(t.status, JSON.stringify(t.body.error)).toBe(200)
    }
    const r = await brief('2026-03-12')
    const route = r.briefing.split('\n').filter((l) => /^ \d\d:\d\d/.test(l))
    expect(route).toHaveLength(27)
    expect(route[0]).toMatch(/^ 08:00 #\d+ Busy [ABC] Whitaker-Jones, Madison$/)
    expect(r.briefing).not.toContain('code 9911')
    expect(r.briefing).toContain('27 visits in short')
    expect(r.briefing).toContain('Unconfirmed: 27 (27 pending; crm_query type=tickets date=2026-03-12 status=scheduled)')
    expect(JSON.stringify(r).length / 4).toBeLessThanOrEqual(1_500)
  })

  it('defaults to today in the business time zone and says when the day is empty', async () => {
    expect((await brief()).date).toBe('2026-03-10')
    expect((await brief('2026-03-11')).briefing).toContain('No appointments.')
  })
})
