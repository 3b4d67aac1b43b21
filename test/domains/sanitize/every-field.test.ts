import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../../core/kernel/context.js'
import { performAction } from '../../../core/kernel/operations.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { allowAgentWords, newContact, ticket } from '../../helpers/fixtures.js'

/** Every row a business keeps that can hold text a caller wrote, as one string. */
const everything = async (app: TestApp) => {
  const tables = [
    'audit_log',
    'security_events',
    'authorization_requests',
    'contacts',
    'invoices',
    'invoice_line_items',
    'tickets',
    'idempotency_keys',
  ]
  let all = ''
  for (const t of tables)
    all += JSON.stringify((await app.t.admin.query(`select * from ${t} where tenant_id = $1`, [app.tenant.tenant_id])).rows)
  return all
}

describe.each(engines)("every free-text field and the agent's reasoning are redacted before they are stored (%s)", (engine) => {
  let app: TestApp
  let owner: Principal
  const events = async (requestId: string) =>
    (
      await app.t.admin.query<{ field: string; kind: string; layer: string }>(
        `select field, kind, layer from security_events where tenant_id = $1 and request_id = $2 order by field, kind`,
        [app.tenant.tenant_id, requestId],
      )
    ).rows

  beforeAll(async () => {
    app = await startTestApp(engine)
    // Pages and fields under test, not the owner's queue: the owner allowed the agent's words always.
    await allowAgentWords(app)
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
  })
  afterAll(() => app.close())

  it('redacts the reasoning before the audit keeps it, and names and line descriptions in any layout', async () => {
    const res = await app.action(
      'contact',
      'create',
      { display_name: 'Jane cc#4111111111111111' },
      { reasoning: 'She read her card out: 5555\u00a05555\u00a05555\u00a04444, SSN 123.45.6789' },
    )
    const created = expectData(res)
    expect(created.display_name).toBe('Jane cc#[REDACTED]')
    expect(created.redactions).toEqual([
      { field: 'data.display_name', kind: 'card', count: 1 },
      { field: 'reasoning', kind: 'card', count: 1 },
      { field: 'reasoning', kind: 'ssn', count: 1 },
    ])
    const audit = await app.t.admin.query<{ reasoning: string }>(
      'select reasoning from audit_log where tenant_id = $1 and request_id = $2',
      [app.tenant.tenant_id, res.body.meta.request_id],
    )
    expect(audit.rows.map((r) => r.reasoning)).toEqual(['She read her card out: [REDACTED], SSN [REDACTED]'])
    expect(await events(res.body.meta.request_id)).toEqual([
      { field: 'data.display_name', kind: 'card', layer: 'api' },
      { field: 'reasoning', kind: 'card', layer: 'api' },
      { field: 'reasoning', kind: 'ssn', layer: 'api' },
    ])

    const invoice = expectData(
      await app.action('invoice', 'create', {
        contact_id: created.id,
        terms: 'Net 15, card ４１１１ １１１１ １１１１ １１１１',
        notes: 'Left at the door 4111.1111.1111.1111',
        line_items: [{ description: 'Windows (card 6011-1111\n1111-1117)', unit_price_cents: 10_000 }],
      }),
    )
    expect(invoice.terms).toBe('Net 15, card [REDACTED]')
    expect(invoice.notes).toBe('Left at the door [REDACTED]')
    expect(invoice.line_items[0].description).toBe('Windows (card [REDACTED])')
    expect(invoice.redactions.map((r: any) => r.field).sort()).toEqual(['data.line_items.0.description', 'data.notes', 'data.terms'])
  })

  it("keeps only redacted text in the authorization queue: the call, its reasoning and the owner's note", async () => {
    const jane = await newContact(app, { display_name: 'Queue Jane', email: 'queue.jane@example.com' })
    const invoice = expectData(
      await app.action('invoice', 'create', { contact_id: jane, line_items: [{ description: 'Gutters', unit_price_cents: 5000 }] }),
    )
    const asked = await app.action(
      'invoice',
      'void',
      { invoice_id: invoice.id, reason: 'Duplicate; she paid with 3782 822463 10005' },
      { reasoning: 'Customer gave SSN 078-05-1120 to prove it' },
    )
    expect(asked.status).toBe(202)
    const requestId = asked.body.data.request_id
    const stored = await app.t.admin.query<{ data: any; reasoning: string }>(
      'select data, reasoning from authorization_requests where id = $1',
      [requestId],
    )
    expect(stored.rows[0].data.reason).toBe('Duplicate; she paid with [REDACTED]')
    expect(stored.rows[0].reasoning).toBe('Customer gave SSN [REDACTED] to prove it')

    const denied = await performAction(
      app.services,
      owner,
      {
        domain: 'authorization',
        action: 'decide',
        data: { request_id: requestId, decision: 'deny', note: 'No. And never write 4242-4242-4242-4242 here' },
      },
      { requestId: 'owner-denies' },
    )
    expect(denied.result).toMatchObject({ redactions: [{ field: 'data.note', kind: 'card', count: 1 }] })
    const note = await app.t.admin.query<{ decision_note: string }>('select decision_note from authorization_requests where id = $1', [
      requestId,
    ])
    expect(note.rows[0].decision_note).toBe('No. And never write [REDACTED] here')
  })

  it('redacts a cancel reason', async () => {
    const jane = await newContact(app, { display_name: 'Cancel Jane' })
    const t = await ticket(app, jane, [{ description: 'Windows', quantity: 1, unit_price_cents: 10_000 }])
    const res = await app.action(
      'ticket',
      'cancel',
      { ticket_id: t.id, reason: 'Card 4111–1111–1111–1111 declined' },
      { reasoning: 'Customer asked' },
    )
    expect(res.status, JSON.stringify(res.body.error)).toBe(200)
    const row = await app.t.admin.query<{ cancel_reason: string }>('select cancel_reason from tickets where id = $1', [t.id])
    expect(row.rows[0].cancel_reason).toBe('Card [REDACTED] declined')
  })

  it('leaves benign text in the same fields untouched and records nothing', async () => {
    const text =
      'Call (256)\u00a0555-0142 re INV-2026-0001 on 15.01.2026, ZIP 35758-1234, order 112-4567890-1234567, $1,234.56, ' +
      'id 3f2504e0-4f89-11d3-9a0c-0305e82c3301, ref 4111111111111112'
    const res = await app.action('contact', 'create', { display_name: 'Benign Bob', about: text }, { reasoning: text })
    const created = expectData(res)
    expect(created.about).toBe(text)
    expect(created).not.toHaveProperty('redactions')
    const audit = await app.t.admin.query<{ reasoning: string }>(
      'select reasoning from audit_log where tenant_id = $1 and request_id = $2',
      [app.tenant.tenant_id, res.body.meta.request_id],
    )
    expect(audit.rows.map((r) => r.reasoning)).toEqual([text])
    expect(await events(res.body.meta.request_id)).toEqual([])
  })

  it("leaves no secret of these calls anywhere in the business's rows", async () => {
    const all = await everything(app)
    for (const secret of [
      '4111111111111111',
      '5555\u00a05555',
      '123.45.6789',
      '４１１１',
      '4111.1111',
      '6011-1111',
      '3782 822463',
      '078-05-1120',
      '4242-4242',
      '4111–1111',
    ]) {
      expect(all).not.toContain(JSON.stringify(secret).slice(1, -1))
    }
  })
})
