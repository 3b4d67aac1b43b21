import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../../core/kernel/context.js'
import { withTenant } from '../../../core/db/tenant.js'
import { recurringInvoicesCapability } from '../../../core/domains/recurring-invoices/capability.js'
import { issueDueRecurringInvoices } from '../../../core/domains/recurring-invoices/issue.js'
import { nextPeriodStart, periodWords } from '../../../core/domains/recurring-invoices/model.js'
import { setPlanBilling, setPlanBillingStatus } from '../../../core/domains/recurring-invoices/plan-billing.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { contextOf } from '../../../core/kernel/operations-context.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { auditActions, PAYMENT_INSTRUCTIONS, type SignedIn, settings, signedIn } from '../../helpers/fixtures.js'

describe('periods anchored on the first day', () => {
  it('a month from the 31st falls on the month’s last day, and the next one on the 31st again', () => {
    expect(nextPeriodStart('2031-01-31', 'monthly', '2031-01-31')).toBe('2031-02-28')
    expect(nextPeriodStart('2031-01-31', 'monthly', '2031-02-28')).toBe('2031-03-31')
    expect(nextPeriodStart('2031-01-31', 'monthly', '2031-03-31')).toBe('2031-04-30')
    expect(nextPeriodStart('2031-11-30', 'quarterly', '2031-11-30')).toBe('2032-02-29')
    expect(nextPeriodStart('2031-11-30', 'quarterly', '2032-02-29')).toBe('2032-05-30')
    expect(nextPeriodStart('2031-02-28', 'yearly', '2031-02-28')).toBe('2032-02-28')
  })

  it('names a calendar month, quarter or year as such, and any other period by its first and last day', () => {
    expect(periodWords('2026-12-01', 'monthly', '2026-12-01')).toBe('December 2026')
    expect(periodWords('2027-01-01', 'quarterly', '2027-01-01')).toBe('Q1 2027')
    expect(periodWords('2027-01-01', 'yearly', '2027-01-01')).toBe('2027')
    expect(periodWords('2026-12-01', 'yearly', '2026-12-01')).toBe('1 Dec 2026 to 30 Nov 2027')
    expect(periodWords('2031-01-15', 'monthly', '2031-01-15')).toBe('15 Jan 2031 to 14 Feb 2031')
  })
})

describe.each(engines)('recurring invoices issue themselves each period (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  // Noon in Chicago, the business's time zone.
  let clock = new Date('2031-01-10T18:00:00Z')
  const people: Record<string, string> = {}
  const rows: Record<string, string> = {}
  const principal = (): Principal => ({
    tenantId: app.tenant.tenant_id,
    actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' },
  })

  /** The invoices a recurring invoice issued, oldest period first, as stored. */
  const issued = async (id: string) =>
    (
      await app.t.admin.query<any>(
        `select id, number, status, issued_on::text, due_on::text, period_start::text, autopay, total_cents, contact_id
           from invoices where tenant_id = $1 and recurring_invoice_id = $2 order by period_start`,
        [app.tenant.tenant_id, id],
      )
    ).rows
  const lines = async (invoiceId: string) =>
    (
      await app.t.admin.query('select description from invoice_line_items where tenant_id = $1 and invoice_id = $2 order by position', [
        app.tenant.tenant_id,
        invoiceId,
      ])
    ).rows.map((r) => r.description)
  const create = (data: Record<string, unknown>) => owner.action('recurring_invoice', 'create', data)
  const at = (iso: string) => {
    clock = new Date(iso)
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock, integrations: { stripe: null } })
    owner = await signedIn(app, app.tenant.owner_user_id)
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS, default_tax_rate_bp: 1000, invoice_terms_days: 15 })
    for (const name of ['Acme Offices', 'Bayside Dental', 'Cobalt Books', 'Delta Diner', 'Echo Hotel']) {
      const c = expectData(
        await app.action('contact', 'create', {
          kind: 'organization',
          display_name: name,
          email: `${name.split(' ')[0].toLowerCase()}@recurring.test`,
        }),
      )
      people[name.split(' ')[0]] = c.id
    }
  })
  afterAll(() => app.close())

  it('refuses wrong input naming the field, and an agent’s call waits for the owner', async () => {
    const base = { contact_id: people.Acme, cycle: 'monthly', starts_on: '2031-01-15' }
    const noPrice = await create({ ...base, line_items: [{ description: 'Windows' }] })
    expectError(noPrice, 400, 'VALIDATION_ERROR')
    expect(noPrice.body.error.details.issues.map((i: any) => i.field)).toEqual(['data.line_items.0.unit_price_cents'])
    const past = await create({ ...base, starts_on: '2031-01-09', line_items: [{ description: 'Windows', unit_price_cents: 100 }] })
    expect(past.body.error.details.issues.map((i: any) => i.field)).toEqual(['data.starts_on'])
    expect(past.body.error.message).toContain('must be today (2031-01-10) or later')
    const ends = await create({ ...base, ends_on: '2031-01-15', line_items: [{ description: 'Windows', unit_price_cents: 100 }] })
    expect(ends.body.error.details.issues.map((i: any) => i.field)).toEqual(['data.ends_on'])
    const cycle = await create({ ...base, cycle: 'weekly', line_items: [{ description: 'Windows', unit_price_cents: 100 }] })
    expect(cycle.body.error.details.issues.map((i: any) => i.field)).toEqual(['data.cycle'])
    const days = await create({ ...base, due_days: 91, line_items: [{ description: 'Windows', unit_price_cents: 100 }] })
    expect(days.body.error.details.issues.map((i: any) => i.field)).toEqual(['data.due_days'])

    const asked = await app.action(
      'recurring_invoice',
      'create',
      { ...base, line_items: [{ description: 'Windows', unit_price_cents: 100 }] },
      { reasoning: 'Their contract starts on the 15th' },
    )
    expect(asked.status).toBe(202)
    expect(asked.body.data.request_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(expectData(await app.query({ type: 'recurring_invoices' })).items).toEqual([])
  })

  it('is set up with the business’s payment terms, and the same call again answers the same one', async () => {
    const call = {
      contact_id: people.Acme,
      cycle: 'monthly',
      starts_on: '2031-01-15',
      line_items: [{ description: 'Office windows, inside and out', unit_price_cents: 24_000 }],
      notes: 'Thank you for your business',
    }
    const made = expectData(await create(call))
    expect(made).toMatchObject({
      contact_id: people.Acme,
      contact_name: 'Acme Offices',
      customer_plan_id: null,
      cycle: 'monthly',
      starts_on: '2031-01-15',
      ends_on: null,
      next_issue_on: '2031-01-15',
      due_days: 15,
      status: 'active',
      currency: 'USD',
      cycle_subtotal_cents: 24_000,
      cycle_tax_cents: 2_400,
      cycle_total_cents: 26_400,
      invoices: [],
      line_items: [{ description: 'Office windows, inside and out', quantity: 1, unit_price_cents: 24_000, taxable: true }],
    })
    expect(expectData(await create(call)).id).toBe(made.id)
    expect(await auditActions(app, 'recurring_invoice', made.id)).toEqual(['create'])
    rows.acme = made.id
    const line = { description: 'Lobby glass', unit_price_cents: 10_000, taxable: false }
    rows.bayside = expectData(
      await create({ contact_id: people.Bayside, cycle: 'monthly', starts_on: '2031-03-01', line_items: [line] }),
    ).id
    rows.cobalt = expectData(
      await create({ contact_id: people.Cobalt, cycle: 'monthly', starts_on: '2031-06-01', ends_on: '2031-07-15', line_items: [line] }),
    ).id
    rows.delta = expectData(await create({ contact_id: people.Delta, cycle: 'monthly', starts_on: '2033-01-31', line_items: [line] })).id
  })

  it('issues on its first day in the business’s time zone, not before, and only once however often the job runs', async () => {
    at('2031-01-15T05:59:00Z') // 23:59 on the 14th in Chicago
    await issueDueRecurringInvoices(app.services)
    expect(await issued(rows.acme)).toEqual([])
    at('2031-01-15T06:01:00Z') // 00:01 on the 15th
    const pass = await issueDueRecurringInvoices(app.services)
    expect(pass).toMatchObject({ issued: 1, emailed: 1, failures: [] })
    await issueDueRecurringInvoices(app.services)
    const [invoice, ...more] = await issued(rows.acme)
    expect(more).toEqual([])
    expect(invoice).toMatchObject({
      status: 'sent',
      issued_on: '2031-01-15',
      due_on: '2031-01-30',
      period_start: '2031-01-15',
      autopay: true,
      total_cents: 26_400,
      contact_id: people.Acme,
    })
    expect(await lines(invoice.id)).toEqual(['Office windows, inside and out — 15 Jan 2031 to 14 Feb 2031'])
    const row = expectData(await app.query({ type: 'recurring_invoices', id: rows.acme }))
    expect(row.next_issue_on).toBe('2031-02-15')
    expect(row.invoices).toEqual([
      { id: invoice.id, number: invoice.number, period_start: '2031-01-15', status: 'sent', amount_due_cents: 26_400 },
    ])
    // The email goes out as invoice.send's does.
    at('2031-01-15T06:05:00Z')
    await deliverDue(app.services)
    const emails = app.email.sent.filter((e) => e.to === 'acme@recurring.test')
    expect(emails).toHaveLength(1)
    expect(emails[0].text).toContain(invoice.number)
    expect(emails[0].text).toContain(PAYMENT_INSTRUCTIONS)
  })

  it('two passes at once issue one invoice for the period', async () => {
    at('2031-02-15T18:00:00Z')
    const [a, b] = await Promise.all([issueDueRecurringInvoices(app.services), issueDueRecurringInvoices(app.services)])
    expect(a.issued + b.issued).toBe(1)
    expect([...a.failures, ...b.failures]).toEqual([])
    expect((await issued(rows.acme)).map((i) => i.period_start)).toEqual(['2031-01-15', '2031-02-15'])
  })

  it('catches up missed periods one invoice each, each naming its month', async () => {
    at('2031-05-10T18:00:00Z')
    await issueDueRecurringInvoices(app.services)
    const bayside = await issued(rows.bayside)
    expect(bayside.map((i) => [i.period_start, i.issued_on, i.status])).toEqual([
      ['2031-03-01', '2031-03-01', 'sent'],
      ['2031-04-01', '2031-04-01', 'sent'],
      ['2031-05-01', '2031-05-01', 'sent'],
    ])
    expect(await lines(bayside[2].id)).toEqual(['Lobby glass — May 2031'])
    expect(bayside.every((i) => i.autopay && i.total_cents === 10_000)).toBe(true)
    expect((await issued(rows.acme)).map((i) => i.period_start)).toEqual(['2031-01-15', '2031-02-15', '2031-03-15', '2031-04-15'])
  })

  it('changes from the next period on; the invoices issued stay as they were', async () => {
    const before = await issued(rows.bayside)
    const changed = expectData(
      await owner.action('recurring_invoice', 'update', {
        recurring_invoice_id: rows.bayside,
        line_items: [{ description: 'Lobby glass and doors', unit_price_cents: 12_000, taxable: false }],
        due_days: 7,
      }),
    )
    expect(changed).toMatchObject({ due_days: 7, cycle_total_cents: 12_000, next_issue_on: '2031-06-01' })
    expect(await issued(rows.bayside)).toEqual(before)
    const again = await owner.action('recurring_invoice', 'update', {
      recurring_invoice_id: rows.bayside,
      line_items: [{ description: 'Lobby glass and doors', unit_price_cents: 12_000, taxable: false }],
      due_days: 7,
    })
    expectData(again)
    expect(await auditActions(app, 'recurring_invoice', rows.bayside)).toEqual(['create', 'issue', 'issue', 'issue', 'update'])
    const early = await owner.action('recurring_invoice', 'update', { recurring_invoice_id: rows.bayside, ends_on: '2031-05-01' })
    expectError(early, 400, 'VALIDATION_ERROR')
    expect(early.body.error.details.issues[0]).toMatchObject({ field: 'data.ends_on' })
    expect(early.body.error.details.issues[0].message).toContain('already invoiced')
  })

  it('pauses (twice is once), skips the periods it was paused for when resumed, and ends for good', async () => {
    expectData(await owner.action('recurring_invoice', 'pause', { recurring_invoice_id: rows.bayside }))
    expect(expectData(await owner.action('recurring_invoice', 'pause', { recurring_invoice_id: rows.bayside })).status).toBe('paused')
    expectData(await owner.action('recurring_invoice', 'end', { recurring_invoice_id: rows.acme }))
    at('2031-08-01T18:00:00Z')
    await issueDueRecurringInvoices(app.services)
    expect(await issued(rows.bayside)).toHaveLength(3)
    expect(await issued(rows.acme)).toHaveLength(4)
    const resumed = expectData(await owner.action('recurring_invoice', 'resume', { recurring_invoice_id: rows.bayside }))
    expect(resumed).toMatchObject({ status: 'active', next_issue_on: '2031-08-01' })
    await issueDueRecurringInvoices(app.services)
    const bayside = await issued(rows.bayside)
    expect(bayside.map((i) => i.period_start)).toEqual(['2031-03-01', '2031-04-01', '2031-05-01', '2031-08-01'])
    expect(bayside[3]).toMatchObject({ total_cents: 12_000, due_on: '2031-08-08' })
    expect(await lines(bayside[3].id)).toEqual(['Lobby glass and doors — August 2031'])
    expectData(await owner.action('recurring_invoice', 'end', { recurring_invoice_id: rows.bayside }))
    expect(expectData(await owner.action('recurring_invoice', 'end', { recurring_invoice_id: rows.bayside })).status).toBe('ended')
    expectError(await owner.action('recurring_invoice', 'resume', { recurring_invoice_id: rows.bayside }), 409, 'CONFLICT')
    expect(await auditActions(app, 'recurring_invoice', rows.bayside)).toEqual([
      'create',
      'issue',
      'issue',
      'issue',
      'update',
      'pause',
      'resume',
      'issue',
      'end',
    ])
  })

  it('ends by itself once no period starts before its end date', async () => {
    // The same pass as above: June and July, then no period starts before July 15.
    const cobalt = await issued(rows.cobalt)
    expect(cobalt.map((i) => i.period_start)).toEqual(['2031-06-01', '2031-07-01'])
    const row = expectData(await app.query({ type: 'recurring_invoices', id: rows.cobalt }))
    expect(row).toMatchObject({ status: 'ended', next_issue_on: '2031-08-01', ends_on: '2031-07-15' })
    expect(await auditActions(app, 'recurring_invoice', rows.cobalt)).toEqual(['create', 'issue', 'issue', 'end'])
  })

  it('keeps the day it started on: Jan 31, Feb 28, Mar 31', async () => {
    at('2033-04-01T18:00:00Z')
    await issueDueRecurringInvoices(app.services)
    expect((await issued(rows.delta)).map((i) => i.period_start)).toEqual(['2033-01-31', '2033-02-28', '2033-03-31'])
    expect(expectData(await app.query({ type: 'recurring_invoices', id: rows.delta })).next_issue_on).toBe('2033-04-30')
    await owner.action('recurring_invoice', 'end', { recurring_invoice_id: rows.delta })
  })

  it('lists them by customer and status', async () => {
    const all = expectData(await app.query({ type: 'recurring_invoices' })).items
    expect(all.map((r: any) => r.contact_name).sort()).toEqual(['Acme Offices', 'Bayside Dental', 'Cobalt Books', 'Delta Diner'])
    const acme = expectData(await app.query({ type: 'recurring_invoices', contact_id: people.Acme })).items
    expect(acme.map((r: any) => r.id)).toEqual([rows.acme])
    expect(acme[0].invoices.map((i: any) => i.period_start)).toEqual(['2031-01-15', '2031-02-15', '2031-03-15', '2031-04-15'])
    expect(expectData(await app.query({ type: 'recurring_invoices', status: 'active' })).items).toEqual([])
    expectError(await app.query({ type: 'recurring_invoices', status: 'open' }), 400, 'VALIDATION_ERROR')
  })

  it('while invoices carry no way to pay, the invoice is made as a draft and the briefing says so', async () => {
    await settings(app, { payment_instructions: '' })
    const made = expectData(
      await create({
        contact_id: people.Echo,
        cycle: 'quarterly',
        starts_on: '2033-04-01',
        line_items: [{ description: 'Atrium glass', unit_price_cents: 50_000, taxable: false }],
      }),
    )
    const pass = await issueDueRecurringInvoices(app.services)
    expect(pass).toMatchObject({ issued: 1, emailed: 0, failures: [] })
    const [invoice] = await issued(made.id)
    expect(invoice).toMatchObject({ status: 'draft', period_start: '2033-04-01', autopay: true })
    expect(await lines(invoice.id)).toEqual(['Atrium glass — Q2 2033'])
    const line = await recurringInvoicesCapability.briefing?.({ services: app.services, principal: principal(), requestId: 'briefing' })
    expect(line).toContain(`${invoice.number} (Echo Hotel)`)
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
  })

  describe('a service plan’s billing', () => {
    let planId: string
    let recurringId: string
    const inPlanTransaction = <T>(fn: (ctx: ReturnType<typeof contextOf>) => Promise<T>) =>
      withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'user', actorId: app.tenant.owner_user_id }, (tx) =>
        fn(contextOf(app.services, principal(), tx, `plan-${Math.random()}`, null, () => {})),
      )
    const billing = {
      line_items: [{ description: 'Monthly window plan', quantity: 1, unit_price_cents: 9_900, taxable: false }],
      currency: 'USD',
      cycle: 'monthly' as const,
      starts_on: '2033-05-01',
      ends_on: null,
    }

    beforeAll(async () => {
      const tenant = app.tenant.tenant_id
      const plan = await app.t.admin.query<{ id: string }>(
        `insert into plans (tenant_id, name, price_cents, currency, cycle, term_cycles) values ($1, 'Window plan', 9900, 'USD', 'monthly', 12) returning id`,
        [tenant],
      )
      const sold = await app.t.admin.query<{ id: string }>(
        `insert into customer_plans (tenant_id, plan_id, contact_id, name, price_cents, currency, cycle, term_cycles, renews, starts_on, status)
         values ($1, $2, $3, 'Window plan', 9900, 'USD', 'monthly', 12, true, '2033-05-01', 'active') returning id`,
        [tenant, plan.rows[0].id, people.Echo],
      )
      planId = sold.rows[0].id
    })

    it('starts once for a plan, and the same billing again changes nothing', async () => {
      recurringId = await inPlanTransaction((ctx) => setPlanBilling(ctx, { customer_plan_id: planId, contact_id: people.Echo, ...billing }))
      expect(await inPlanTransaction((ctx) => setPlanBilling(ctx, { customer_plan_id: planId, contact_id: people.Echo, ...billing }))).toBe(
        recurringId,
      )
      expect(await auditActions(app, 'recurring_invoice', recurringId)).toEqual(['create'])
      const row = expectData(await app.query({ type: 'recurring_invoices', customer_plan_id: planId })).items[0]
      expect(row).toMatchObject({
        id: recurringId,
        plan_name: 'Window plan',
        due_days: 0,
        next_issue_on: '2033-05-01',
        cycle_total_cents: 9_900,
      })
    })

    it('is changed only through the plan: its own actions are refused', async () => {
      for (const action of ['pause', 'resume', 'end']) {
        const refused = await owner.action('recurring_invoice', action, { recurring_invoice_id: recurringId })
        expectError(refused, 409, 'CONFLICT')
        expect(refused.body.error.message).toContain('bills the plan "Window plan": change the plan instead')
      }
      expectError(await owner.action('recurring_invoice', 'update', { recurring_invoice_id: recurringId, due_days: 3 }), 409, 'CONFLICT')
    })

    it('the plan changes its price, pauses, resumes and ends it', async () => {
      await inPlanTransaction((ctx) =>
        setPlanBilling(ctx, {
          customer_plan_id: planId,
          contact_id: people.Echo,
          ...billing,
          line_items: [{ description: 'Monthly window plan', quantity: 1, unit_price_cents: 10_900, taxable: false }],
        }),
      )
      await inPlanTransaction((ctx) => setPlanBillingStatus(ctx, planId, 'paused'))
      await inPlanTransaction((ctx) => setPlanBillingStatus(ctx, planId, 'paused'))
      at('2033-06-02T18:00:00Z')
      await issueDueRecurringInvoices(app.services)
      expect(await issued(recurringId)).toEqual([])
      await inPlanTransaction((ctx) => setPlanBillingStatus(ctx, planId, 'active'))
      await issueDueRecurringInvoices(app.services)
      // Resumed on June 2: May and June began while it waited, so July is the next period invoiced.
      expect(await issued(recurringId)).toEqual([])
      at('2033-07-01T18:00:00Z')
      await issueDueRecurringInvoices(app.services)
      expect((await issued(recurringId)).map((i) => [i.period_start, i.due_on, i.total_cents])).toEqual([
        ['2033-07-01', '2033-07-01', 10_900],
      ])
      await inPlanTransaction((ctx) => setPlanBillingStatus(ctx, planId, 'ended'))
      await inPlanTransaction((ctx) => setPlanBillingStatus(ctx, '00000000-0000-4000-8000-000000000009', 'ended'))
      expect(await auditActions(app, 'recurring_invoice', recurringId)).toEqual(['create', 'update', 'pause', 'resume', 'issue', 'end'])
    })
  })
})
