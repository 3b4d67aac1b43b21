import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../core/context.js'
import { performAction } from '../../core/operations.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { contact, ticket } from '../domains/invoices/fixtures.js'

describe.each(engines)('an approval the owner can trust (%s)', (engine) => {
  let app: TestApp
  let owner: Principal
  const asOwner = (domain: string, action: string, data: Record<string, unknown>) =>
    performAction(app.services, owner, { domain, action, data }, { requestId: 'owner-test' })
  const requestCount = async () => Number((await app.t.db.query<{ n: number }>(
    'select count(*)::int as n from authorization_requests where tenant_id = $1', [app.tenant.tenant_id])).rows[0].n)

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
  })
  afterAll(() => app.close())

  it('refuses to queue closing a ticket that is already completed, with the reason, instead of letting the owner allow a failure', async () => {
    const jane = await contact(app, { display_name: 'Jane Done' })
    const done = await ticket(app, jane, [{ description: 'Windows', unit_price_cents: 9000 }], 'completed')
    const before = await requestCount()
    const r = await app.action('ticket', 'close', { ticket_id: done.id, duration_minutes: 30, line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
      notes: '', next_service: { kind: 'none' } }, { reasoning: 'The technician says the job is done' })
    expect(r.status).toBe(409)
    expect(r.body.error.message).toMatch(/completed/)
    expect(await requestCount()).toBe(before)
    expect(app.email.sent.filter((m) => m.subject.startsWith('Your approval is needed'))).toHaveLength(0)
  })
})
