import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runJobsOnce } from '../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { countRows, made } from '../helpers/fixtures.js'

/** The test's clock: services.now reads it, the tests move it. */
const clock = { now: new Date('2026-10-28T15:00:00Z') }

/** Runs the worker at 10:00 in Chicago (after the 09:00 reminder time) on each day given. */
async function runOn(app: TestApp, days: string[]): Promise<void> {
  for (const day of days) {
    clock.now = new Date(`${day}T15:00:00Z`)
    expect((await runJobsOnce(app.services)).failures).toEqual([])
  }
}

/** The addresses the business emailed, in order. */
const emailedTo = (app: TestApp) => app.email.sent.map((m) => String(m.to))

describe.each(engines)('what the settings say of follow-ups left empty, the product does (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    clock.now = new Date('2026-10-28T15:00:00Z')
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
    await app.ownerAction('settings', 'update', { reminder_time: '09:00', payment_instructions: 'Checks payable to Sparkle Windows' })
  })
  afterAll(() => app.close())

  /** An unpaid invoice of a new customer, sent and due on `dueOn`. */
  async function unpaidInvoice(email: string, dueOn: string): Promise<void> {
    const contact = (await made(app, 'contact', 'create', { display_name: 'Pat Owens', email })).id
    const invoice = await made(app, 'invoice', 'create', {
      contact_id: contact,
      line_items: [{ description: 'Window cleaning', unit_price_cents: 20_000 }],
    })
    await app.t.admin.query(`update invoices set status = 'sent', sent_at = $2, due_on = $3 where id = $1`, [invoice.id, clock.now, dueOn])
  }

  /** A customer whose visit was completed at `closedAt`. */
  async function visited(email: string, closedAt: string): Promise<void> {
    const contact = (await made(app, 'contact', 'create', { display_name: 'Rae Visited', email })).id
    const t = await made(app, 'ticket', 'create', {
      contact_id: contact,
      scheduled_start: new Date(new Date(closedAt).getTime() - 3 * 3_600_000).toISOString(),
      duration_minutes: 120,
      line_items: [{ description: 'Window cleaning', unit_price_cents: 18_000 }],
    })
    await app.t.admin.query(`update tickets set status = 'completed', closed_at = $2 where id = $1`, [t.id, closedAt])
  }

  it('invoice_reminder_days [] sends no reminders: an unpaid invoice passes its due date and weeks after with none', async () => {
    await app.ownerAction('settings', 'update', { invoice_reminder_days: [0] })
    await unpaidInvoice('reminded@example.com', '2026-10-30')
    await runOn(app, ['2026-10-29', '2026-10-30'])
    expect(emailedTo(app).filter((to) => to.includes('reminded@example.com'))).toHaveLength(1)

    await app.ownerAction('settings', 'update', { invoice_reminder_days: [] })
    await unpaidInvoice('never.reminded@example.com', '2026-11-03')
    await runOn(app, ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-10', '2026-12-03'])
    expect(emailedTo(app).filter((to) => to.includes('never.reminded@example.com'))).toEqual([])
    expect(await countRows(app, 'scheduled_messages', "kind = 'invoice_reminder'")).toBe(1)
  })

  it('review_link null sends no review requests: a completed visit is followed by none', async () => {
    await app.ownerAction('settings', 'update', { review_link: 'https://g.page/r/sparkle-windows/review', review_after_days: 1 })
    await visited('asked@example.com', '2026-12-07T16:00:00Z')
    await runOn(app, ['2026-12-07', '2026-12-08'])
    expect(emailedTo(app).filter((to) => to.includes('asked@example.com'))).toHaveLength(1)

    await app.ownerAction('settings', 'update', { review_link: null })
    await visited('never.asked@example.com', '2026-12-14T16:00:00Z')
    await runOn(app, ['2026-12-14', '2026-12-15', '2026-12-16', '2026-12-22'])
    expect(emailedTo(app).filter((to) => to.includes('never.asked@example.com'))).toEqual([])
    expect(await countRows(app, 'scheduled_messages', "kind = 'review_request'")).toBe(1)
  })
})
