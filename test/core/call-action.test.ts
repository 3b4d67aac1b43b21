import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../core/auth/agent-tokens.js'
import { callAction, type Caller } from '../../core/kernel/call-action.js'
import type { Principal } from '../../core/kernel/context.js'
import { createContact, deleteContact } from '../../core/domains/contacts/actions.js'
import { createService } from '../../core/domains/services/actions.js'
import { AppError } from '../../core/kernel/errors.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'

describe.each(engines)('callAction (%s)', (engine) => {
  let app: TestApp
  let owner: Caller
  let agent: Caller

  beforeAll(async () => {
    app = await startTestApp(engine)
    const ownerPrincipal: Principal = {
      tenantId: app.tenant.tenant_id,
      actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' },
    }
    owner = { services: app.services, principal: ownerPrincipal, requestId: randomUUID() }
    agent = {
      services: app.services,
      principal: (await authenticateAgentToken(app.services.db, app.tenant.agent_token))!,
      requestId: randomUUID(),
    }
  })
  afterAll(() => app?.close())

  it('answers in the shape of the output schema, as JSON reads it, and records the call in the audit', async () => {
    const made = await callAction(owner, createContact, { display_name: 'Typed Tess', email: 'tess@typed.test' })
    expect(made.queued).toBe(false)
    if (made.queued) return
    // Typed: a misspelt field here would not compile.
    expect(made.result.display_name).toBe('Typed Tess')
    expect(typeof made.result.created_at).toBe('string')
    expect(createContact.output.safeParse(made.result).success).toBe(true)
    const audit = await app.t.admin.query(`select action from audit_log where entity_id = $1`, [made.result.id])
    expect(audit.rows.map((r) => r.action)).toEqual(['create'])
  })

  it("goes through the same access and queue as any call: an agent's risky call waits for the owner, a refused one throws", async () => {
    const made = await callAction(owner, createContact, { display_name: 'Queued Quinn' })
    if (made.queued) throw new Error("an owner's call is not queued")
    const asked = await callAction(agent, deleteContact, { contact_id: made.result.id }, { reasoning: 'A duplicate' })
    expect(asked.queued).toBe(true)
    if (asked.queued) expect(asked.result).toMatchObject({ status: 'pending_authorization', request_id: expect.any(String) })
    const still = await app.t.admin.query('select id from contacts where id = $1', [made.result.id])
    expect(still.rows).toHaveLength(1)
    const technician = {
      ...owner,
      principal: { tenantId: app.tenant.tenant_id, actor: { type: 'user' as const, id: randomUUID(), role: 'technician' as const } },
    }
    const refused = await callAction(technician, createService, { name: 'Nope', pricing: 'fixed', price_cents: 100 }).catch((err) => err)
    expect(refused).toBeInstanceOf(AppError)
    expect((refused as AppError).code).toBe('FORBIDDEN')
  })
})
