import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { hiddenFields, pageClient, type PageClient } from '../../helpers/technician-fixture.js'
import { squareCsv, squareCustomers, squareItems, squareItemsCsv, squareSales, squareSalesCsv } from '../../../core/demo/square-export.js'
import { countRows, signedIn, type SignedIn } from '../../helpers/fixtures.js'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { emptyDatabase } from '../../helpers/empty-database.js'
import { localDate } from '../../../core/vocabulary/time.js'

describe.each(engines)('past visits imported from Square are paid history (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let ownerPages: PageClient
  let agent: Client
  let imported: Array<{ ticket_id: string; contact_id: string }>
  let ordinary: { id: string; number: number; contact_id: string }
  const customers = squareCustomers(3, 33)

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await signedIn(app, app.tenant.owner_user_id)
    ownerPages = await pageClient(app, 'owner@sparkle.test')
    agent = await connectMcp(app.url, app.tenant.agent_token)
    expectData(await owner.action('settings', 'update', { payment_instructions: 'Checks payable to Sparkle Windows' }))
    expectData(await owner.action('import', 'square_customers', { csv: squareCsv(customers), dry_run: false }))
    expectData(await owner.action('import', 'square_items', { csv: squareItemsCsv(squareItems()), dry_run: false }))
    const report = expectData(
      await owner.action('import', 'square_sales', { csv: squareSalesCsv(squareSales(customers, squareItems(), 2, 9)), dry_run: false }),
    )
    imported = [...new Map(report.rows.filter((r: any) => r.outcome === 'created').map((r: any) => [r.ticket_id, r])).values()] as any
    expect(imported.length).toBeGreaterThan(2)
    // A visit done here and not billed yet: the work the lists exist for.
    const olive = expectData(await app.action('contact', 'create', { display_name: 'Olive Ordinary', email: 'olive@example.com' })).id
    const t = expectData(
      await app.action('ticket', 'create', {
        contact_id: olive,
        scheduled_start: '2026-03-10T15:00:00Z',
        line_items: [{ description: 'Window cleaning', unit_price_cents: 25_000 }],
      }),
    )
    ordinary = expectData(
      await owner.action('ticket', 'close', {
        ticket_id: t.id,
        duration_minutes: 60,
        line_items: t.line_items.map((l: any) => ({ line_item_id: l.id })),
        notes: '',
        next_service: { kind: 'none' },
      }),
    ).ticket
  }, 120_000)
  /** The day a visit closed (its Square transaction), in the business's time zone. */
  const paidDay = async (closedAt: string) =>
    localDate(new Date(closedAt), expectData(await app.query({ type: 'settings' })).items[0].timezone)
  afterAll(async () => {
    await agent?.close()
    await app?.close()
  })

  it('each imported visit reads as paid in Square, and unbilled_work lists none of them (only the visit done here)', async () => {
    const visit = expectData(await app.query({ type: 'tickets', id: imported[0].ticket_id }))
    expect(visit).toMatchObject({ status: 'completed', paid_elsewhere: 'square' })
    expect(expectData(await app.query({ type: 'tickets', id: ordinary.id })).paid_elsewhere).toBeNull()
    const unbilled = expectData(await app.query({ type: 'unbilled_work', limit: 100 })).items.map((t: any) => t.id)
    expect(unbilled).toEqual([ordinary.id])
    expectError(await app.query({ type: 'unbilled_work', id: imported[0].ticket_id }), 404, 'NOT_FOUND')
  })

  it('send_invoice by contact_id finds nothing to bill for an imported customer, and no email is queued', async () => {
    const before = await countRows(app, 'scheduled_messages')
    const answer = toolJson(
      await agent.callTool({ name: 'send_invoice', arguments: { contact_id: imported[0].contact_id, reasoning: 'bill their last visit' } }),
    )
    expect(answer.isError).toBe(true)
    expect(JSON.stringify(answer.json)).toContain('no completed visit waiting for an invoice')
    const last = expectData(
      await app.query({ type: 'tickets', contact_id: imported[0].contact_id, status: 'completed', per_contact: 'last' }),
    ).items[0]
    expect(JSON.stringify(answer.json)).toContain(
      `their last visit #${last.number} was paid in Square on ${await paidDay(last.closed_at)} and is not billed again`,
    )
    expect(await countRows(app, 'scheduled_messages')).toBe(before)
    expect(await countRows(app, 'invoices')).toBe(0)
    // The visit done here is still billed the same way.
    const billed = toolJson(
      await agent.callTool({ name: 'send_invoice', arguments: { contact_id: ordinary.contact_id, reasoning: 'bill the visit' } }),
    )
    expect(billed.isError, JSON.stringify(billed.json)).toBe(false)
    expect(billed.json.invoice).toMatchObject({ status: 'sent', total_cents: expect.any(Number) })
  })

  it('invoicing an imported visit by id is refused with a CONFLICT naming Square, by the API, the MCP tool and the console', async () => {
    const ticketId = imported[1].ticket_id
    const res = await app.action('invoice', 'create_from_ticket', { ticket_id: ticketId })
    expectError(res, 409, 'CONFLICT')
    const direct = res.body.error
    const visit = expectData(await app.query({ type: 'tickets', id: ticketId }))
    const day = await paidDay(visit.closed_at)
    expect(direct.message).toContain(`Ticket ${visit.number} was paid in Square on ${day}: it is a past visit imported from Square`)
    expect(direct.details).toMatchObject({ ticket_id: ticketId, paid_elsewhere: 'square', paid_on: day })
    expectError(await owner.action('invoice', 'send', { ticket_id: ticketId }), 409, 'CONFLICT')
    const tool = toolJson(await agent.callTool({ name: 'send_invoice', arguments: { ticket_id: ticketId, reasoning: 'bill it' } }))
    expect(tool.isError).toBe(true)
    expect(JSON.stringify(tool.json)).toContain(`was paid in Square on ${day}`)
    // The console offers no button for it; a form posted anyway (an old tab, a crafted request) is refused the same way.
    const csrf = hiddenFields((await ownerPages.get('/')).html, '/auth/logout')
    const form = await ownerPages.post('/invoices/from-ticket', [...csrf, ['ticket_id', ticketId]])
    expect(form.status).toBe(409)
    expect(form.html).toContain('No invoice was created. Ticket')
    expect(form.html).toContain('imported from Square')
    expect(await countRows(app, 'invoices')).toBe(1)
  })

  it("the owner's Home, the invoices page and daily_briefing show no imported visit as work to bill", async () => {
    const numbers = await app.t.admin.query<{ number: number }>('select number from tickets where id = any($1::uuid[])', [
      imported.map((v) => v.ticket_id),
    ])
    const home = await ownerPages.get('/')
    expect(home.status).toBe(200)
    expect(home.html).toContain('Every finished job is closed out and billed.')
    const invoices = await ownerPages.get('/invoices')
    expect(invoices.html).not.toContain('Finished jobs not invoiced')
    const briefing = toolJson(await agent.callTool({ name: 'daily_briefing', arguments: {} }))
    expect(briefing.json.briefing).not.toContain('Unbilled work')
    for (const { number } of numbers.rows) expect(briefing.json.briefing).not.toContain(`#${number} `)
  })
})

describe.each(engines)('the migration marking visits imported before (%s)', (engine) => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it("marks a data folder's imported Square visits paid in Square, and nothing else", async () => {
    const { db, admin, dispose } = await emptyDatabase(engine)
    cleanups.push(dispose)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 73),
    )
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Old Data Windows') returning id`)).rows[0].id
    const contact = (
      await admin.query<{ id: string }>(`insert into contacts (tenant_id, display_name) values ($1, 'Jane Square') returning id`, [tenant])
    ).rows[0].id
    const closedVisit = async (number: number) => {
      const id = (
        await admin.query<{ id: string }>(
          `insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end)
        values ($1, $2, $3, '2025-03-04T15:00:00Z', '2025-03-04T16:00:00Z') returning id`,
          [tenant, number, contact],
        )
      ).rows[0].id
      await admin.query(
        `insert into ticket_line_items (tenant_id, ticket_id, description, quantity, unit_price_cents) values ($1, $2, 'Windows', 1, 12500)`,
        [tenant, id],
      )
      await admin.query(`update tickets set status = 'completed', closed_at = scheduled_start where id = $1`, [id])
      return id
    }
    const fromSquare = await closedVisit(1)
    await admin.query(`insert into ticket_external_ids (tenant_id, source, external_id, ticket_id) values ($1, 'square', 'SQTX1', $2)`, [
      tenant,
      fromSquare,
    ])
    const doneHere = await closedVisit(2)
    const updatedBefore = (await admin.query<{ updated_at: Date }>('select updated_at from tickets where id = $1', [fromSquare])).rows[0]
      .updated_at

    await migrate(db, files)
    const rows = (
      await admin.query<{ id: string; paid_elsewhere: string | null; updated_at: Date }>(
        'select id, paid_elsewhere, updated_at from tickets where tenant_id = $1',
        [tenant],
      )
    ).rows
    expect(rows.find((r) => r.id === fromSquare)).toMatchObject({ paid_elsewhere: 'square', updated_at: updatedBefore })
    expect(rows.find((r) => r.id === doneHere)?.paid_elsewhere).toBeNull()
    // Closed visits stay closed: the guard is back on after the migration.
    await expect(admin.query(`update tickets set paid_elsewhere = null where id = $1`, [fromSquare])).rejects.toThrow(/closed/)
  }, 120_000)
})
