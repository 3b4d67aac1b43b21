import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../api/product.js'
import { banner, startServer, type RunningServer } from '../../api/server.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Services } from '../../core/kernel/context.js'
import { loadDemo } from '../../core/demo/load-demo.js'
import { addDays } from '../../core/vocabulary/time.js'
import { engines, freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { connectMcp, toolJson } from '../helpers/mcp-client.js'

// A Wednesday at 9:00 in Chicago, so "today" and the upcoming weeks do not depend on when the test runs.
const NOW = new Date('2026-03-11T15:00:00Z')
const TODAY = '2026-03-11'

describe.each(engines)('demo data, loaded by a first start with CRM_DEMO=1 (%s)', (engine) => {
  let t: TestDatabase
  let services: Services
  let running: RunningServer
  let token: string
  let mcp: Client
  /** GET /api/data as the first start's agent. */
  const query = async (params: Record<string, string | number>) => {
    const res = await fetch(
      `${running.url}/api/data?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`,
      { headers: { authorization: `Bearer ${token}` } },
    )
    return { status: res.status, body: (await res.json()) as any }
  }
  /** Every item of a list, page after page. */
  const all = async (params: Record<string, string | number>) => {
    const items: any[] = []
    for (let cursor = ''; ; ) {
      const page = (await query({ ...params, limit: 100, ...(cursor ? { cursor } : {}) })).body.data
      items.push(...page.items)
      if (!page.next_cursor) return items
      cursor = page.next_cursor
    }
  }

  beforeAll(async () => {
    t = await freshDatabase(engine)
    services = createServices(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', CRM_WORKER: 'off', CRM_DEMO: '1' }), t.db, { now: () => NOW })
    running = await startServer(services)
    token = running.firstStart!.agentToken
    mcp = await connectMcp(running.url, token)
  }, 900_000)
  afterAll(async () => {
    await mcp?.close()
    await running?.close()
    await t?.dispose()
  })

  it('names the business and its owner, and the banner says what was loaded', async () => {
    const [settings] = (await query({ type: 'settings' })).body.data.items
    expect(settings.name).toBe('Rocket City Window Cleaning')
    const [owner] = (await query({ type: 'users', role: 'owner' })).body.data.items
    expect(owner.name).toBe('Dana Whitfield')
    const demo = running.firstStart!.demo!
    expect(banner(services, running)).toContain('  owner: Dana Whitfield <owner@example.com> (sign in with that email)\n')
    expect(banner(services, running)).toContain(
      `demo data loaded: 200 customers, ${demo.completed_tickets} completed visits over the past year`,
    )
  })

  it('creates a window-cleaning business with customers, catalog, team, schedule, leads and waitlist', async () => {
    const counts = running.firstStart!.demo!
    expect(counts).toMatchObject({ customers: 200, addresses: 200, services: 4, technicians: 2, leads: 8, waitlist_entries: 6 })
    expect(counts.tickets).toBeGreaterThan(100)
    expect(counts.notes).toBeGreaterThan(20)
    expect(counts.attributes).toBeGreaterThan(50)
    const catalog = await query({ type: 'services', limit: 10 })
    expect(catalog.body.data.items.map((s: any) => [s.name, s.pricing, s.price_cents]).sort()).toEqual([
      ['Exterior Window Cleaning', 'flexible', 20000],
      ['Gutter Cleaning', 'fixed', 15000],
      ['Interior and Exterior Window Cleaning', 'flexible', 35000],
      ['Screen Cleaning', 'per_unit', 500],
    ])
    const techs = await query({ type: 'users', role: 'technician' })
    expect(techs.body.data.items).toHaveLength(2)
    const leads = await query({ type: 'leads', limit: 50 })
    expect(leads.body.data.items).toHaveLength(8)
    // Each lead waits for a call back in the days ahead.
    for (const lead of leads.body.data.items) {
      expect(lead.reminder_at.slice(0, 10) > TODAY && lead.reminder_at.slice(0, 10) <= addDays(TODAY, 6)).toBe(true)
    }
  })

  it('books the busiest upcoming day with at least ten tickets and no technician double-booked', async () => {
    const { date, tickets } = running.firstStart!.demo!.busiest_upcoming_day
    expect(date > TODAY).toBe(true)
    expect(tickets).toBeGreaterThanOrEqual(10)
    const day = await query({ type: 'tickets', date, limit: 100, include: 'technicians' })
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

  it("answers everyday questions: today's tickets and customers by attribute and town", async () => {
    const today = await query({ type: 'tickets', today: 'true', limit: 100 })
    expect(today.status).toBe(200)
    expect(today.body.data.items.length).toBeGreaterThan(0)
    const elderly = await query({ type: 'contacts', attribute: 'customer_demographic:elderly', include: 'attributes', limit: 100 })
    expect(elderly.body.data.items.length).toBeGreaterThan(5)
    for (const c of elderly.body.data.items) {
      expect(c.attributes.find((a: any) => a.key === 'customer_demographic')?.value).toBe('elderly')
    }
    const owens = await query({ type: 'contacts', city: 'Owens Cross Roads', attribute: 'screens', include: 'addresses', limit: 100 })
    expect(owens.body.data.items.length).toBeGreaterThan(0)
    for (const c of owens.body.data.items) expect(c.addresses[0].postal_code).toBe('35763')
  })

  it('has a year of completed visits, closed by their technicians and never open again', async () => {
    const done = await all({ type: 'tickets', status: 'completed', from: '2025-01-01', to: TODAY, include: 'technicians' })
    expect(done.length).toBe(running.firstStart!.demo!.completed_tickets)
    const days = done.map((v) => v.scheduled_start.slice(0, 10)).sort()
    expect(days[0] < '2025-04-01').toBe(true)
    // Within the last year, relative to the day it is loaded.
    expect(days[0] >= addDays(TODAY, -366)).toBe(true)
    expect(days.at(-1)! < TODAY).toBe(true)
    for (const v of done) {
      expect(v.technicians).toHaveLength(1)
      // Closed as the close-out closes: at the end of the visit, with the time spent.
      expect(Date.parse(v.closed_at)).toBe(Date.parse(v.scheduled_end))
      expect(v.actual_minutes).toBeGreaterThan(0)
    }
    const changed = await fetch(`${running.url}/api/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'ticket', action: 'update', data: { ticket_id: done[0].id, notes: 'changed later' } }),
    })
    expect(changed.status).toBe(409)
    expect(((await changed.json()) as any).error.code).toBe('IMMUTABLE')
  })

  it("shows a customer's last visit with its close-out note and the facts learned there, through customer_overview and find_customer", async () => {
    const contacts = await all({ type: 'contacts' })
    const overviews: any[] = []
    for (let i = 0; i < contacts.length; i += 100) {
      const ids = contacts
        .slice(i, i + 100)
        .map((c) => c.id)
        .join(',')
      overviews.push(...(await query({ type: 'customer_overview', contact_ids: ids, limit: 100 })).body.data.items)
    }
    const visited = overviews.filter((o) => o.last_visit)
    expect(visited.length, 'a good share of the customers has been visited').toBeGreaterThan(contacts.length / 2)
    const learned = visited.filter((o) => o.last_visit.note && o.last_visit.facts.length)
    expect(learned.length).toBeGreaterThan(20)

    const one = learned[0]
    const facts = (await query({ type: 'attributes', contact_id: one.contact_id, source: 'ticket_closeout', limit: 50 })).body.data.items
    expect(facts.length).toBeGreaterThan(0)
    for (const fact of one.last_visit.facts) expect(fact).toMatch(/^[a-z ]+: .+/)
    const [{ display_name: name }] = contacts.filter((c) => c.id === one.contact_id)
    const found = toolJson(await mcp.callTool({ name: 'find_customer', arguments: { q: name, limit: 10 } }))
    expect(found.isError).toBe(false)
    const match = found.json.matches.find((m: any) => m.contact_id === one.contact_id)
    expect(match.last_visit).toEqual(one.last_visit)
    expect(match.last_visit.date < TODAY).toBe(true)
    expect(match.last_service).toContain(one.last_visit.facts[0])
  })

  it("answers find_customer's own example question, and one of a service last season, with customers of the demo, saying which parts held", async () => {
    const { tools } = await mcp.listTools()
    const description = tools.find((t) => t.name === 'find_customer')?.description ?? ''
    const examples = [...(description.match(/question \(([^)]*)\)/)?.[1].matchAll(/"([^"]+)"/g) ?? [])].map((m) => m[1])
    expect(examples).toEqual(['elderly woman in Owens Cross Roads'])
    const ask = async (q: string) => {
      const found = toolJson(await mcp.callTool({ name: 'find_customer', arguments: { q } }))
      expect(found.isError, q).toBe(false)
      expect(found.json.matches.length, q).toBeGreaterThan(0)
      return found.json
    }
    // Nothing in the demo says woman: the elderly customers of Owens Cross Roads are the closest, and say so.
    const elderly = await ask(examples[0])
    expect(elderly.read_as).toEqual({ place: 'Owens Cross Roads', attributes: ['elderly', 'woman'] })
    expect(elderly.matches[0].why).toBe('Owens Cross Roads, elderly; nothing says woman')
    const spring = await ask('had screen cleaning last spring')
    expect(spring.read_as).toMatchObject({ service: 'Screen Cleaning', between: ['2025-03-01', '2025-05-31'] })
    expect(spring.matches[0].match).toBe('close')
  })

  it('bills every completed visit: invoices paid over the year, some still open, dated as they happened', async () => {
    const demo = running.firstStart!.demo!
    const paid = await all({ type: 'invoices', status: 'paid' })
    const open = await all({ type: 'invoices', status: 'open' })
    expect(paid.length).toBe(demo.paid_invoices)
    expect(open.length).toBe(demo.unpaid_invoices)
    expect(paid.length + open.length).toBe(demo.completed_tickets)
    expect(open.length).toBeGreaterThan(0)
    const oldest = paid.reduce((a, b) => (a.issued_on < b.issued_on ? a : b))
    expect(oldest.issued_on < '2025-06-01').toBe(true)
    expect(oldest.issued_on >= addDays(TODAY, -366)).toBe(true)
    expect(paid.some((i) => i.issued_on > addDays(TODAY, -60))).toBe(true)
    for (const invoice of [...paid, ...open].filter((i) => i.sent_at)) expect(invoice.sent_at.slice(0, 10)).toBe(invoice.issued_on)
    const owing = await query({ type: 'customer_overview', contact_ids: open[0].contact_id })
    expect(owing.body.data.items[0].open_balance_cents).toBeGreaterThan(0)
  })

  it('is set up to work: services with prices and lengths, a reply-to, payment instructions; nothing says a step is missing', async () => {
    const catalog = (await query({ type: 'services', limit: 10 })).body.data.items
    expect(catalog.length).toBeGreaterThan(0)
    for (const s of catalog) {
      expect(s.price_cents, s.name).toBeGreaterThan(0)
      expect(s.default_duration_minutes, s.name).toBeGreaterThan(0)
    }
    const [settings] = (await query({ type: 'settings' })).body.data.items
    expect(settings.reply_to_email).toBe('dana@demo-windows.test')
    expect(settings.phone).toBe('(256) 555-0100')
    expect(settings.payment_instructions).toContain('Checks payable to Rocket City Window Cleaning')
    expect(banner(services, running)).not.toContain('Before the first booking and the first invoice')
    const briefed = toolJson(await mcp.callTool({ name: 'daily_briefing', arguments: {} }))
    expect(briefed.isError).toBe(false)
    expect(briefed.json.briefing).not.toContain('Setup:')
  })

  it('emails an open invoice through send_invoice, and the email says how to pay the demo business', async () => {
    const [open] = (await query({ type: 'invoices', status: 'open', limit: 1 })).body.data.items
    const sent = toolJson(
      await mcp.callTool({ name: 'send_invoice', arguments: { invoice_id: open.id, reasoning: 'The customer asked for a copy' } }),
    )
    expect(sent.isError, JSON.stringify(sent.json)).toBe(false)
    expect(sent.json.invoice).toMatchObject({ id: open.id, number: open.number, status: 'sent' })
    expect(sent.json.message.status).toBe('pending')
    const email = (await query({ type: 'scheduled_messages', id: sent.json.message.id, include: 'rendered' })).body.data
    expect(email).toMatchObject({ kind: 'invoice', invoice_id: open.id, status: 'pending' })
    // Only the links made as the worker sends it are not known yet.
    expect(email.rendered.missing.filter((v: string) => !['invoice_link', 'payment_link'].includes(v))).toEqual([])
    expect(email.rendered.body).toContain('How to pay Rocket City Window Cleaning')
    expect(email.rendered.body).toContain(`(invoice ${open.number})`)
    expect(email.rendered.body).toContain('Checks payable to Rocket City Window Cleaning, mailed to PO Box 1402, Huntsville, AL 35807')
  })

  it('has a recurring series with visits booked ahead, a sent and a draft quote', async () => {
    const series = (await query({ type: 'series', limit: 10 })).body.data.items
    expect(series).toHaveLength(2)
    const ahead = await all({ type: 'tickets', contact_id: series[0].contact_id, from: TODAY, to: '2026-12-31' })
    expect(ahead.some((v) => v.series_id === series[0].id)).toBe(true)
    const quotes = (await query({ type: 'quotes', limit: 10 })).body.data.items
    expect(quotes.map((q: any) => q.status).sort()).toEqual(['draft', 'sent'])
  })

  it('records every change in the audit trail as the owner, and the close-outs as the technician', async () => {
    const [owner] = (await query({ type: 'users', role: 'owner' })).body.data.items
    const page = await query({ type: 'contacts', limit: 1, include: 'audit_trail' })
    const entry = page.body.data.items[0].audit_trail[0]
    expect(entry).toMatchObject({ action: 'create', actor_type: 'user', actor_id: owner.id })
    const [visit] = (await query({ type: 'tickets', status: 'completed', limit: 1, include: 'technicians,audit_trail' })).body.data.items
    expect(visit.audit_trail.find((e: any) => e.action === 'close')).toMatchObject({
      actor_type: 'user',
      actor_id: visit.technicians[0].user_id,
    })
  })

  it('refuses to load into a business that already has contacts', async () => {
    await expect(loadDemo(services, running.firstStart!.tenantId)).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await all({ type: 'contacts' })).toHaveLength(200)
  })
})
