import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../core/kernel/context.js'
import { translateDatabaseError } from '../../core/db/translate-error.js'
import { validationError } from '../../core/kernel/errors.js'
import { performAction } from '../../core/kernel/operations.js'
import { createRegistry, defineAction } from '../../core/kernel/registry.js'
import { z } from 'zod'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'

interface AuditRow {
  entity_type: string
  entity_id: string
  action: string
  changes: Record<string, { old: unknown; new: unknown }>
  actor_type: string
  actor_id: string | null
  reasoning: string | null
  request_id: string | null
  created_at: string
}

describe.each(engines)('the audit trail of changes (%s)', (engine) => {
  let app: TestApp
  let agentId: string
  beforeAll(async () => {
    app = await startTestApp(engine)
    agentId = (await app.t.admin.query<{ id: string }>('select id from agent_tokens where tenant_id = $1', [app.tenant.tenant_id])).rows[0]
      .id
  })
  afterAll(() => app.close())

  /** The audit rows of one record, oldest first, read as the connection's own role (not through the code under test). */
  const auditOf = async (entityId: string) =>
    (
      await app.t.admin.query<AuditRow>(
        `select entity_type, entity_id, action, changes, actor_type, actor_id, reasoning, request_id, created_at::text as created_at
     from audit_log where tenant_id = $1 and entity_id = $2 order by id`,
        [app.tenant.tenant_id, entityId],
      )
    ).rows
  const auditCount = async () =>
    Number(
      (await app.t.admin.query<{ n: number }>('select count(*)::int as n from audit_log where tenant_id = $1', [app.tenant.tenant_id]))
        .rows[0].n,
    )
  const contactTimes = async (id: string) =>
    (
      await app.t.admin.query<{ created_at: string; updated_at: string }>(
        'select created_at::text as created_at, updated_at::text as updated_at from contacts where id = $1',
        [id],
      )
    ).rows[0]

  it("writes one row per contact change: what changed, who acted, why, the request and when, in the change's own transaction", async () => {
    const created = await app.action(
      'contact',
      'create',
      { first_name: 'Jane', last_name: 'Smith' },
      { reasoning: 'A new customer called to book', headers: { 'x-request-id': 'req-audit-create' } },
    )
    expect(created.status).toBe(200)
    const id: string = created.body.data.id
    let rows = await auditOf(id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      entity_type: 'contact',
      entity_id: id,
      action: 'create',
      actor_type: 'agent',
      actor_id: agentId,
      reasoning: 'A new customer called to book',
      request_id: 'req-audit-create',
    })
    expect(rows[0].changes).toMatchObject({ display_name: { old: null, new: 'Jane Smith' }, first_name: { old: null, new: 'Jane' } })
    // now() is the time of the transaction: equal times prove the row was written in the same transaction as the contact.
    expect(rows[0].created_at).toBe((await contactTimes(id)).created_at)

    const updated = await app.action(
      'contact',
      'update',
      { contact_id: id, display_name: 'Jane Q. Smith' },
      { headers: { 'x-request-id': 'req-audit-update' } },
    )
    expect(updated.status).toBe(200)
    rows = await auditOf(id)
    expect(rows).toHaveLength(2)
    expect(rows[1]).toMatchObject({
      action: 'update',
      actor_type: 'agent',
      actor_id: agentId,
      reasoning: null,
      request_id: 'req-audit-update',
    })
    expect(rows[1].changes).toEqual({ display_name: { old: 'Jane Smith', new: 'Jane Q. Smith' } })
    expect(rows[1].created_at).toBe((await contactTimes(id)).updated_at)

    expect((await app.action('contact', 'archive', { contact_id: id })).status).toBe(200)
    rows = await auditOf(id)
    expect(rows.map((r) => r.action)).toEqual(['create', 'update', 'archive'])
    expect(rows[2].changes).toEqual({ status: { old: 'active', new: 'archived' }, archived_at: { old: null, new: expect.any(String) } })

    // Archiving an archived contact changes nothing, so it records nothing.
    expect((await app.action('contact', 'archive', { contact_id: id })).status).toBe(200)
    expect(await auditOf(id)).toHaveLength(3)
  })

  it('records a person acting as that user', async () => {
    const owner: Principal = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    const { result } = await performAction(
      app.services,
      owner,
      { domain: 'contact', action: 'create', data: { display_name: 'Walk-in Customer' } },
      { requestId: 'req-audit-owner' },
    )
    const rows = await auditOf((result as { id: string }).id)
    expect(rows).toEqual([
      expect.objectContaining({ action: 'create', actor_type: 'user', actor_id: app.tenant.owner_user_id, request_id: 'req-audit-owner' }),
    ])
  })

  it('writes no audit row for a change that is refused', async () => {
    const before = await auditCount()
    const missing = await app.action('contact', 'update', { contact_id: randomUUID(), display_name: 'Nobody' })
    expect(missing.body.error.code).toBe('NOT_FOUND')
    const invalid = await app.action('contact', 'create', { display_name: 'Bad Email', email: 'not-an-email' })
    expect(invalid.body.error.code).toBe('VALIDATION_ERROR')
    expect(await auditCount()).toBe(before)
  })

  it('rolls the audit row back with the change when the action fails after writing both', async () => {
    const failing = defineAction({
      key: 'probe.write_then_fail',
      description: 'Creates a contact, records it, then fails.',
      access: { agent: 'unrestricted', technician: 'none' },
      input: z.object({ display_name: z.string() }),
      output: z.object({}),
      async run(ctx, input) {
        const r = await ctx.db.query<{ id: string }>(`insert into contacts (tenant_id, display_name) values ($1, $2) returning id`, [
          ctx.tenantId,
          input.display_name,
        ])
        await ctx.audit({ entityType: 'contact', entityId: r.rows[0].id, action: 'create', after: { display_name: input.display_name } })
        throw validationError([{ field: 'data.display_name', message: 'refused after writing' }])
      },
    })
    const services = { ...app.services, registry: createRegistry([{ failing }]) }
    const owner: Principal = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    const before = await auditCount()
    await expect(
      performAction(
        services,
        owner,
        { domain: 'probe', action: 'write_then_fail', data: { display_name: 'Half Written' } },
        { requestId: 'req-audit-fail' },
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
    expect(await auditCount()).toBe(before)
    const left = await app.t.admin.query(`select 1 from contacts where display_name = 'Half Written'`)
    expect(left.rows).toEqual([])
  })

  it('refuses to change or remove audit rows even for the database owner', async () => {
    const db = app.t.db
    const before = await auditCount()
    expect(before).toBeGreaterThan(0)
    for (const statement of [
      `update audit_log set reasoning = 'rewritten' where tenant_id = '${app.tenant.tenant_id}'`,
      `delete from audit_log where tenant_id = '${app.tenant.tenant_id}'`,
      'truncate audit_log',
    ]) {
      // With the business set, as the owner's own functions run: forced row level security shows it its rows.
      const err = await db
        .transaction((tx) => tx.query(statement), `select set_config('app.tenant_id', '${app.tenant.tenant_id}', true)`)
        .then(
          () => null,
          (e: unknown) => e,
        )
      expect(err, statement).not.toBeNull()
      expect(translateDatabaseError(err), statement).toMatchObject({ code: 'IMMUTABLE' })
    }
    expect(await auditCount()).toBe(before)
    const rewritten = await app.t.admin.query(`select 1 from audit_log where reasoning = 'rewritten'`)
    expect(rewritten.rows).toEqual([])
  })
})
