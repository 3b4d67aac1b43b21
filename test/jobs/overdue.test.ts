import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../core/db/tenant.js'
import { markOverdueInvoices } from '../../core/jobs/overdue.js'
import type { CreatedTenant } from '../../core/kernel/tenants.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { letters } from '../helpers/fixtures.js'

describe.each(engines)('marking overdue invoices (%s)', (engine) => {
  let app: TestApp
  let auckland: CreatedTenant
  // 03:00 UTC on 10 March 2026: still the 9th in Chicago (22:00), already the 10th in Auckland (16:00).
  let clock = new Date('2026-03-10T03:00:00Z')

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock, integrations: { stripe: null } })
    auckland = await app.createTenant('Kiwi Windows')
    await app.t.admin.query(`update tenants set timezone = 'Pacific/Auckland' where id = $1`, [auckland.tenant_id])
  })
  afterAll(() => app.close())

  const ok = async (r: Promise<{ status: number; body: any }>) => {
    const res = await r
    expect(res.status, JSON.stringify(res.body.error)).toBe(200)
    return res.body.data
  }
  /** An invoice of 100.00 issued 1 March and due on the given day, taken to the given state through the API. */
  const invoice = async (token: string, dueOn: string, state: 'draft' | 'sent' | 'partially_paid' | 'paid') => {
    const as = { token }
    const c = await ok(app.action('contact', 'create', { display_name: `Customer ${letters(Math.floor(Math.random() * 1e9))}` }, as))
    const inv = await ok(
      app.action(
        'invoice',
        'create',
        {
          contact_id: c.id,
          issued_on: '2026-03-01',
          due_on: dueOn,
          line_items: [{ description: 'Windows', unit_price_cents: 10_000, taxable: false }],
        },
        as,
      ),
    )
    if (state !== 'draft') await ok(app.action('invoice', 'mark_sent', { invoice_id: inv.id }, as))
    if (state === 'partially_paid' || state === 'paid') {
      await ok(
        app.action(
          'invoice',
          'record_payment',
          { invoice_id: inv.id, amount_cents: state === 'paid' ? 10_000 : 2500, method: 'cash' },
          { ...as, reasoning: 'The customer paid' },
        ),
      )
    }
    return inv.id as string
  }
  const read = async (token: string, id: string) => await ok(app.query({ type: 'invoices', id, include: 'audit_trail' }, token))

  it("marks sent and partially paid invoices past due in each business's own time zone, audited as the system, once", async () => {
    const home = app.tenant.agent_token
    const kiwi = auckland.agent_token
    const chicagoSent = await invoice(home, '2026-03-09', 'sent')
    const chicagoOld = await invoice(home, '2026-03-08', 'partially_paid')
    const kiwiSent = await invoice(kiwi, '2026-03-09', 'sent')
    const kiwiPartial = await invoice(kiwi, '2026-03-09', 'partially_paid')
    const kiwiDraft = await invoice(kiwi, '2026-03-09', 'draft')
    const kiwiPaid = await invoice(kiwi, '2026-03-09', 'paid')
    const kiwiFuture = await invoice(kiwi, '2026-03-10', 'sent')

    expect(await markOverdueInvoices(app.services)).toEqual({ marked: 3, failures: [] })
    expect((await read(home, chicagoSent)).status).toBe('sent')
    expect((await read(home, chicagoOld)).status).toBe('overdue')
    for (const id of [kiwiSent, kiwiPartial]) {
      const inv = await read(kiwi, id)
      expect(inv).toMatchObject({ status: 'overdue', is_overdue: true })
      const mark = inv.audit_trail.find((a: any) => a.action === 'mark_overdue')
      expect(mark).toMatchObject({ actor_type: 'system', changes: { status: { new: 'overdue' } } })
    }
    expect((await read(kiwi, kiwiPartial)).amount_due_cents).toBe(7500)
    expect((await read(kiwi, kiwiDraft)).status).toBe('draft')
    expect((await read(kiwi, kiwiPaid)).status).toBe('paid')
    expect((await read(kiwi, kiwiFuture)).status).toBe('sent')

    // Nothing new: a second tick marks nothing and writes no audit.
    expect(await markOverdueInvoices(app.services)).toEqual({ marked: 0, failures: [] })
    expect((await read(kiwi, kiwiSent)).audit_trail.filter((a: any) => a.action === 'mark_overdue')).toHaveLength(1)

    // 14 hours later it is the 10th in Chicago, and already the 11th in Auckland.
    clock = new Date('2026-03-10T17:00:00Z')
    expect(await markOverdueInvoices(app.services)).toEqual({ marked: 2, failures: [] })
    expect(await read(home, chicagoSent)).toMatchObject({ status: 'overdue', is_overdue: true })
    expect(await read(kiwi, kiwiFuture)).toMatchObject({ status: 'overdue', is_overdue: true })

    // The status filter and the derived flag agree.
    const listed = await ok(app.query({ type: 'invoices', status: 'overdue' }, kiwi))
    expect(listed.items.map((i: any) => i.id).sort()).toEqual([kiwiSent, kiwiPartial, kiwiFuture].sort())
    const derived = await ok(app.query({ type: 'invoices', overdue: 'true' }, kiwi))
    expect(derived.items.map((i: any) => i.id)).toEqual(expect.arrayContaining([kiwiSent, kiwiPartial, kiwiFuture]))

    // Paying an overdue invoice settles it.
    const paid = await ok(
      app.action(
        'invoice',
        'record_payment',
        { invoice_id: kiwiSent, amount_cents: 10_000, method: 'check' },
        { token: kiwi, reasoning: 'The customer paid' },
      ),
    )
    expect(paid.invoice).toMatchObject({ status: 'paid', is_overdue: false })
  })

  it("the overdue scan's row access is not open to the app role", async () => {
    await invoice(auckland.agent_token, '2026-03-01', 'sent')
    const seen = await withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, async (tx) => {
      await tx.query(`select set_config('app.lookup_overdue_scan', 'on', true)`)
      const r = await tx.query<{ n: number }>('select count(*)::int as n from invoices where tenant_id = $1', [auckland.tenant_id])
      const t = await tx.query<{ n: number }>('select count(*)::int as n from tenants where id = $1', [auckland.tenant_id])
      return [r.rows[0].n, t.rows[0].n]
    })
    expect(seen).toEqual([0, 0])
  })
})
