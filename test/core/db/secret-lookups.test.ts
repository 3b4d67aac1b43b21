import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken, revokeAgentToken } from '../../../core/auth/agent-tokens.js'
import { hashSecret } from '../../../core/auth/secrets.js'
import { authenticateSession, createSession } from '../../../core/auth/sessions.js'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { withWorkerRole } from '../../../core/db/tenant.js'
import type { Database } from '../../../core/db/types.js'
import { createTenant } from '../../../core/kernel/tenants.js'
import { LINK_KINDS } from '../../../core/links/declared-links.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'
import { emptyDatabase } from '../../helpers/empty-database.js'

// Both engines: the database layer itself, on each engine.

const lookupsOf = async (db: Database, kind: string) =>
  (
    await db.query<{ lookup_key: string; tenant_id: string }>(
      'select lookup_key, tenant_id from secret_lookups where kind = $1 order by lookup_key',
      [kind],
    )
  ).rows

describe.each(bothEngines)('a secret leads to its business through secret_lookups (%s)', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(() => t.dispose())

  it('writes the lookup with the secret and removes it when the secret is purged', async () => {
    const business = await createTenant(t.db, { name: 'Lookup Cleaning', owner_email: 'owner@lookup.test' })
    const cookie = await createSession(t.db, business.tenant_id, business.owner_user_id)
    expect(await lookupsOf(t.admin, 'session')).toEqual([{ lookup_key: hashSecret(cookie), tenant_id: business.tenant_id }])
    expect((await authenticateSession(t.db, cookie))?.tenantId).toBe(business.tenant_id)

    const later = new Date(Date.now() + 60 * 24 * 3600 * 1000).toISOString()
    await withWorkerRole(t.db, (tx) => tx.query('select * from purge_expired_credentials($1)', [later]))
    expect(await lookupsOf(t.admin, 'session')).toEqual([])
    expect(await authenticateSession(t.db, cookie)).toBeNull()
  })

  it("finds an agent token's business by its hash and by its prefix", async () => {
    const business = await createTenant(t.db, { name: 'Prefix Plumbing', owner_email: 'owner@prefix.test' })
    const prefix = business.agent_token.split('_')[1]
    expect((await lookupsOf(t.admin, 'agent_token_prefix')).filter((l) => l.lookup_key === prefix)).toEqual([
      { lookup_key: prefix, tenant_id: business.tenant_id },
    ])
    expect((await authenticateAgentToken(t.db, business.agent_token))?.tenantId).toBe(business.tenant_id)
    expect(await revokeAgentToken(t.db, prefix)).toMatchObject({ prefix, tenant_id: business.tenant_id })
    expect(await authenticateAgentToken(t.db, business.agent_token)).toBeNull()
  })

  it("records every declared link kind's secrets, by its table's trigger, under the kind's own name", async () => {
    const triggers = await t.admin.query<{ tbl: string; args: string }>(
      `select c.relname as tbl, encode(g.tgargs, 'escape') as args
         from pg_trigger g join pg_class c on c.oid = g.tgrelid where g.tgfoid = 'keep_secret_lookup'::regproc`,
    )
    const kept = triggers.rows.map((r) => `${r.tbl} ${r.args.split('\\000')[0]}`)
    expect(LINK_KINDS.length).toBeGreaterThan(0)
    for (const link of LINK_KINDS) expect(kept, link.kind).toContain(`${link.table} ${link.kind}`)
  })

  it('keeps a secret hash unique across businesses, as it was before the key moved into each business', async () => {
    const a = await createTenant(t.db, { name: 'Alpha Lawns', owner_email: 'owner@alpha.test' })
    const b = await createTenant(t.db, { name: 'Beta Lawns', owner_email: 'owner@beta.test' })
    const insert = (tenantId: string, userId: string) =>
      t.admin.query(`insert into magic_links (tenant_id, user_id, token_hash, expires_at) values ($1, $2, $3, now() + interval '1 hour')`, [
        tenantId,
        userId,
        hashSecret('the-same-secret'),
      ])
    await insert(a.tenant_id, a.owner_user_id)
    await expect(insert(b.tenant_id, b.owner_user_id)).rejects.toMatchObject({ code: '23505' })
    expect((await lookupsOf(t.admin, 'magic_link')).filter((l) => l.lookup_key === hashSecret('the-same-secret'))).toEqual([
      { lookup_key: hashSecret('the-same-secret'), tenant_id: a.tenant_id },
    ])
  })
})

describe.each(bothEngines)('secrets made before migration 0107 keep working after it (%s)', (engine) => {
  let db: Database
  let admin: Database
  let dispose: () => Promise<void>
  afterAll(() => dispose())

  it('fills secret_lookups from the secrets already stored', async () => {
    ;({ db, admin, dispose } = await emptyDatabase(engine))
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.name < '0107'),
    )
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Before 0107') returning id`)).rows[0].id
    const user = (
      await admin.query<{ id: string }>(
        `insert into users (tenant_id, email, role) values ($1, 'owner@before.test', 'owner') returning id`,
        [tenant],
      )
    ).rows[0].id
    const token = `crm_before01_${'b'.repeat(43)}`
    await admin.query(`insert into agent_tokens (tenant_id, name, prefix, token_hash) values ($1, 'Old agent', 'before01', $2)`, [
      tenant,
      hashSecret(token),
    ])
    const cookie = 'a-session-cookie-made-before-the-lookups'
    await admin.query(
      `insert into sessions (tenant_id, user_id, token_hash, csrf_token, expires_at) values ($1, $2, $3, 'csrf', now() + interval '1 day')`,
      [tenant, user, hashSecret(cookie)],
    )

    await migrate(db, files)

    expect(await lookupsOf(admin, 'agent_token_prefix')).toEqual([{ lookup_key: 'before01', tenant_id: tenant }])
    expect(await lookupsOf(admin, 'session')).toEqual([{ lookup_key: hashSecret(cookie), tenant_id: tenant }])
    expect(await authenticateAgentToken(db, token)).toMatchObject({ tenantId: tenant, actor: { type: 'agent', name: 'Old agent' } })
    expect(await authenticateSession(db, cookie)).toMatchObject({ tenantId: tenant, actor: { type: 'user', id: user } })
  })
})
