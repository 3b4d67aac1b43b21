import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { runJobsOnce } from '../../core/jobs/worker.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { createTenant, type CreatedTenant } from '../../core/kernel/tenants.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'

/** Accepted by Node's time zone data, unknown to PostgreSQL's. */
const NODE_ONLY_ZONE = 'US/Pacific-New'

describe.each(engines)("a business's time zone (%s)", (engine) => {
  let app: TestApp
  // 18:00 UTC on 20 March 2026: the 20th everywhere in the Americas.
  const clock = new Date('2026-03-20T18:00:00Z')
  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock, integrations: { stripe: null } })
  })
  afterAll(() => app.close())
  afterEach(() => {
    vi.restoreAllMocks()
    setLogLevel('silent')
  })

  it('is refused by settings.update and at business creation when the database does not know it', async () => {
    const refused = await app.action('settings', 'update', { timezone: NODE_ONLY_ZONE })
    expectError(refused, 400, 'VALIDATION_ERROR')
    expect(refused.body.error.details.issues).toEqual([expect.objectContaining({ field: 'data.timezone' })])
    expect(expectData(await app.query({ type: 'settings' })).items[0].timezone).toBe('America/Chicago')
    expect(expectData(await app.action('settings', 'update', { timezone: 'America/Los_Angeles' })).timezone).toBe('America/Los_Angeles')
    await expect(
      createTenant(app.t.db, { name: 'Nowhere Windows', owner_email: 'o@nowhere.test', timezone: NODE_ONLY_ZONE }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { issues: [expect.objectContaining({ field: 'timezone' })] } })
    const made = await app.t.admin.query(`select 1 from tenants where name = 'Nowhere Windows'`)
    expect(made.rows).toEqual([])
  })

  it('when bad all the same, never stops the worker for the other businesses; the failing one is logged and named in the result', async () => {
    /** A business with one sent invoice, due on the 10th, and the time zone written straight into its row. */
    const withOverdueInvoice = async (name: string, timezone: string): Promise<{ tenant: CreatedTenant; invoice: string }> => {
      const tenant = await app.createTenant(name)
      const as = { token: tenant.agent_token }
      const c = expectData(await app.action('contact', 'create', { display_name: `Customer of ${name}` }, as))
      const inv = expectData(
        await app.action(
          'invoice',
          'create',
          {
            contact_id: c.id,
            issued_on: '2026-03-01',
            due_on: '2026-03-10',
            line_items: [{ description: 'Windows', unit_price_cents: 10_000, taxable: false }],
          },
          as,
        ),
      )
      expectData(await app.action('invoice', 'mark_sent', { invoice_id: inv.id }, as))
      await app.t.admin.query('update tenants set timezone = $2 where id = $1', [tenant.tenant_id, timezone])
      return { tenant, invoice: inv.id }
    }
    const statusOf = async (id: string) =>
      (await app.t.admin.query<{ status: string }>('select status from invoices where id = $1', [id])).rows[0].status
    const nodeOnly = await withOverdueInvoice('Old Zone Windows', NODE_ONLY_ZONE)
    const broken = await withOverdueInvoice('Broken Zone Windows', 'Mars/Olympus')
    const fine = await withOverdueInvoice('Fine Windows', 'America/Denver')

    setLogLevel('error')
    const lines: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    }) as typeof process.stdout.write)
    const pass = await runJobsOnce(app.services)

    expect(await statusOf(fine.invoice)).toBe('overdue')
    expect(await statusOf(nodeOnly.invoice)).toBe('overdue')
    expect(await statusOf(broken.invoice)).toBe('sent')
    expect(pass.overdue_marked).toBe(2)
    expect(pass.failures).toEqual([{ tenant_id: broken.tenant.tenant_id, job: 'overdue', error: expect.stringContaining('Mars/Olympus') }])
    const logged = lines.map((l) => JSON.parse(l)).filter((r) => r.level === 'error')
    expect(logged).toEqual([
      expect.objectContaining({ msg: 'marking overdue invoices failed for one business', tenant_id: broken.tenant.tenant_id }),
    ])
  })
})
