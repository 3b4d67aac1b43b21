import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { mergeContacts } from '../../../core/domains/contacts/merge-actions.js'
import { closeTicket } from '../../../core/domains/tickets/close.js'
import { withTenant } from '../../../core/db/tenant.js'
import { lifecyclePassDue, refreshLapsedCustomers } from '../../../core/jobs/lifecycle.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'

describe.each(engines)('customer lifecycle (%s)', (engine) => {
  let app: TestApp
  let clock = new Date('2026-01-10T15:00:00Z')
  let owner: Caller

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock, integrations: { stripe: null } })
    owner = {
      services: app.services,
      requestId: 'lifecycle-test',
      principal: {
        tenantId: app.tenant.tenant_id,
        actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' },
      } as Caller['principal'],
    }
  })
  afterAll(() => app.close())

  const ok = async (r: Promise<{ status: number; body: any }>) => {
    const res = await r
    expect(res.status, JSON.stringify(res.body.error)).toBe(200)
    return res.body.data
  }
  const contact = async (name: string) => (await ok(app.action('contact', 'create', { display_name: name }))).id as string
  const read = async (id: string) => ok(app.query({ type: 'contacts', id, include: 'audit_trail' }))
  const book = async (contactId: string, start: string) =>
    (
      await ok(
        app.action('ticket', 'create', {
          contact_id: contactId,
          scheduled_start: start,
          duration_minutes: 60,
          line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
        }),
      )
    ).id as string
  const complete = async (ticketId: string) => {
    const r = await callAction(owner, closeTicket, {
      ticket_id: ticketId,
      duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
      notes: '',
      next_service: { kind: 'none' },
    })
    expect(r.queued).toBe(false)
  }
  const lifecycleAudit = (c: any) => c.audit_trail.filter((a: any) => a.action === 'lifecycle')
  const listed = async (lifecycle: string) =>
    (await ok(app.query({ type: 'contacts', lifecycle, limit: 100 }))).items.map((c: any) => c.display_name).sort()

  it('moves a contact from prospect to customer at its first completed visit, to past customer when the window passes, and back at a new booking', async () => {
    const ann = await contact('Ann Lifecycle')
    expect(await read(ann)).toMatchObject({ lifecycle: 'prospect' })

    // A booking alone does not make a prospect a customer: nothing was done yet.
    const first = await book(ann, '2026-01-12T15:00:00Z')
    expect((await read(ann)).lifecycle).toBe('prospect')

    clock = new Date('2026-01-12T17:00:00Z')
    await complete(first)
    const customer = await read(ann)
    expect(customer).toMatchObject({ lifecycle: 'customer', lifecycle_since: '2026-01-12T17:00:00.000Z' })
    expect(lifecycleAudit(customer)).toEqual([
      expect.objectContaining({ actor_type: 'system', changes: { lifecycle: { old: 'prospect', new: 'customer' } } }),
    ])

    // 18 months and a day later the worker's pass finds her by index and moves her, once.
    clock = new Date('2027-07-13T17:00:00Z')
    const pass = await refreshLapsedCustomers(app.services)
    expect(pass).toEqual({ lapsed: 1, failures: [] })
    const lapsed = await read(ann)
    expect(lapsed).toMatchObject({ lifecycle: 'past_customer', lifecycle_since: '2027-07-13T17:00:00.000Z' })
    expect(lifecycleAudit(lapsed).at(-1)).toMatchObject({
      actor_type: 'system',
      changes: { lifecycle: { old: 'customer', new: 'past_customer' } },
    })
    expect(await refreshLapsedCustomers(app.services)).toEqual({ lapsed: 0, failures: [] })
    expect(lifecycleAudit(await read(ann))).toHaveLength(2)

    // A new booking after lapsing makes her a customer again; cancelling it makes her a past customer again.
    const again = await book(ann, '2027-08-01T15:00:00Z')
    expect((await read(ann)).lifecycle).toBe('customer')
    await ok(app.action('ticket', 'cancel', { ticket_id: again, reason: 'customer asked by phone' }, { reasoning: 'the customer called' }))
    const cancelled = await read(ann)
    expect(cancelled.lifecycle).toBe('past_customer')
    expect(lifecycleAudit(cancelled).map((a: any) => a.changes.lifecycle.new)).toEqual([
      'customer',
      'past_customer',
      'customer',
      'past_customer',
    ])
  })

  it('counts a payment as activity, keeps a customer with a visit booked ahead, and filters the list by lifecycle', async () => {
    clock = new Date('2027-09-01T15:00:00Z')
    const bob = await contact('Bob Porter')
    const inv = await ok(
      app.action('invoice', 'create', {
        contact_id: bob,
        issued_on: '2027-09-01',
        due_on: '2027-09-15',
        line_items: [{ description: 'Gutters', unit_price_cents: 10_000, taxable: false }],
      }),
    )
    await ok(app.action('invoice', 'mark_sent', { invoice_id: inv.id }))
    expect((await read(bob)).lifecycle).toBe('prospect')
    await ok(
      app.action(
        'invoice',
        'record_payment',
        { invoice_id: inv.id, amount_cents: 2500, method: 'cash' },
        { reasoning: 'The customer paid' },
      ),
    )
    expect(await read(bob)).toMatchObject({ lifecycle: 'customer', lifecycle_since: '2027-09-01T15:00:00.000Z' })

    const cy = await contact('Cy Booked')
    const visit = await book(cy, '2027-09-02T15:00:00Z')
    clock = new Date('2027-09-02T17:00:00Z')
    await complete(visit)
    await book(cy, '2029-06-01T15:00:00Z')

    // 19 months on: Bob's payment is out of the window; Cy's too, but Cy has a visit booked ahead.
    clock = new Date('2029-04-05T12:00:00Z')
    expect(await refreshLapsedCustomers(app.services)).toEqual({ lapsed: 1, failures: [] })
    expect((await read(bob)).lifecycle).toBe('past_customer')
    expect((await read(cy)).lifecycle).toBe('customer')

    expect(await listed('customer')).toEqual(['Cy Booked'])
    expect(await listed('past_customer')).toEqual(['Ann Lifecycle', 'Bob Porter'])
    await contact('Dee Prospect')
    expect(await listed('prospect')).toEqual(['Dee Prospect'])

    const bad = await app.query({ type: 'contacts', lifecycle: 'former' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION_ERROR')
    expect(JSON.stringify(bad.body.error)).toMatch(/lifecycle/)
  })

  it('validates lapsed_after_months, naming the field, and recomputes every customer when it changes', async () => {
    for (const value of [0, 121, 2.5]) {
      const r = await app.action('settings', 'update', { lapsed_after_months: value })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
      expect(JSON.stringify(r.body.error)).toContain('lapsed_after_months')
    }
    expect((await ok(app.query({ type: 'settings' }))).items[0].lapsed_after_months).toBe(18)

    // A window of 10 years brings Ann and Bob back; a window of 1 month sends Bob away again only at the worker's pass.
    const settings = await ok(app.action('settings', 'update', { lapsed_after_months: 120 }))
    expect(settings.lapsed_after_months).toBe(120)
    expect(await listed('past_customer')).toEqual([])
    expect(await listed('customer')).toEqual(['Ann Lifecycle', 'Bob Porter', 'Cy Booked'])
    await ok(app.action('settings', 'update', { lapsed_after_months: 18 }))
    expect(await listed('past_customer')).toEqual(['Ann Lifecycle', 'Bob Porter'])
  })

  it('recomputes the survivor of a merge from the history it receives', async () => {
    const dee = (await ok(app.query({ type: 'contacts', lifecycle: 'prospect' }))).items.find((c: any) => c.display_name === 'Dee Prospect')
    const cy = (await ok(app.query({ type: 'contacts', lifecycle: 'customer' }))).items.find((c: any) => c.display_name === 'Cy Booked')
    const r = await callAction(owner, mergeContacts, { survivor_id: dee.id, merged_id: cy.id })
    expect(r.queued).toBe(false)
    const survivor = await read(dee.id)
    expect(survivor.lifecycle).toBe('customer')
    expect(lifecycleAudit(survivor)).toEqual([
      expect.objectContaining({ actor_type: 'system', changes: { lifecycle: { old: 'prospect', new: 'customer' } } }),
    ])
    expect(await listed('customer')).toEqual(['Dee Prospect'])
  })

  it("runs the worker's pass once a day, not at every tick", async () => {
    await refreshLapsedCustomers(app.services)
    expect(lifecyclePassDue(app.services)).toBe(false)
    clock = new Date(clock.getTime() + 23 * 3_600_000)
    expect(lifecyclePassDue(app.services)).toBe(false)
    clock = new Date(clock.getTime() + 3_600_000)
    expect(lifecyclePassDue(app.services)).toBe(true)
  })

  it('lets only the worker name the businesses with lapsing customers', async () => {
    const asApp = withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system', requestId: 'probe' }, (tx) =>
      tx.query('select * from tenants_with_lapsing_customers(now())'),
    )
    await expect(asApp).rejects.toThrow(/Not allowed/)
  })
})
