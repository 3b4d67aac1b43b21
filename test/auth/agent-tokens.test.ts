import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgentToken, listAgentTokens, rememberedAgentToken, revokeAgentToken } from '../../core/auth/agent-tokens.js'
import type { Database } from '../../core/db/types.js'
import { hashSecret } from '../../core/auth/secrets.js'
import { withTenant } from '../../core/db/tenant.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'

describe.each(engines)('agent tokens (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  const newToken = (name: string) =>
    withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, (tx) => createAgentToken(tx, app.tenant.tenant_id, name))
  const row = async (token: string) =>
    (
      await app.t.admin.query<{ last_used_at: Date | null; revoked_at: Date | null }>(
        'select last_used_at, revoked_at from agent_tokens where token_hash = $1',
        [hashSecret(token)],
      )
    ).rows[0]

  it('has a visible prefix and is shown once', async () => {
    const t = await newToken('scheduler')
    expect(t.token).toMatch(new RegExp(`^crm_${t.prefix}_[A-Za-z0-9_-]{43}$`))
    const listed = await listAgentTokens(app.t.db, app.tenant.tenant_id)
    const mine = listed.find((l: any) => l.id === t.id) as Record<string, unknown>
    expect(mine).toMatchObject({ name: 'scheduler', prefix: `crm_${t.prefix}` })
    // The secret is the last 43 characters; it may itself contain '_', so splitting on '_' could leave a fragment short enough to appear anywhere.
    expect(JSON.stringify(listed)).not.toContain(t.token.slice(-43))
  })

  it('records when it was last used', async () => {
    const t = await newToken('reporter')
    expect((await row(t.token)).last_used_at).toBeNull()
    expectData(await app.query({ type: 'contacts' }, t.token))
    const used = (await row(t.token)).last_used_at
    expect(used).toBeInstanceOf(Date)
    expect(Math.abs(used!.getTime() - Date.now())).toBeLessThan(5 * 60_000)
  })

  it('a revoked token is refused with 401; other tokens keep working', async () => {
    const t = await newToken('temporary')
    expectData(await app.query({ type: 'contacts' }, t.token))
    const revoked = await revokeAgentToken(app.t.db, `crm_${t.prefix}`)
    expect(revoked).toMatchObject({ prefix: t.prefix, tenant_id: app.tenant.tenant_id, name: 'temporary' })
    expect((await row(t.token)).revoked_at).toBeInstanceOf(Date)
    expectError(await app.query({ type: 'contacts' }, t.token), 401, 'UNAUTHENTICATED')
    expectError(await app.action('contact', 'create', { display_name: 'By Revoked' }, { token: t.token }), 401, 'UNAUTHENTICATED')
    expectData(await app.query({ type: 'contacts' }))
  })

  it('revoking an unknown prefix is NOT_FOUND', async () => {
    await expect(revokeAgentToken(app.t.db, 'crm_00000000')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('a token of the right shape with a wrong secret is refused', async () => {
    const t = await newToken('guessed')
    const guessed = `crm_${t.prefix}_${'x'.repeat(43)}`
    expectError(await app.query({ type: 'contacts' }, guessed), 401, 'UNAUTHENTICATED')
  })

  it('the actor of an agent call is that token', async () => {
    const t = await newToken('writer')
    const created = expectData(await app.action('contact', 'create', { display_name: 'Agent Written' }, { token: t.token }))
    const read = expectData(await app.query({ type: 'contacts', id: created.id, include: 'audit_trail' }))
    expect(read.audit_trail).toEqual([expect.objectContaining({ actor_type: 'agent', actor_id: t.id })])
  })

  it('calls that arrive while a token is being verified wait for that one verification, a wrong secret too', async () => {
    const t = await newToken('parallel')
    const wrong = `${t.token.slice(0, -4)}AAAA`
    let verifications = 0
    // A database of its own (a server remembers tokens per database) that counts the token look-ups it is sent.
    const counted = new Proxy(app.t.db, {
      get(target, prop) {
        if (prop === 'query')
          return (text: string, params?: unknown[]) => {
            if (text.includes('authenticate_agent_token')) verifications++
            return target.query(text, params)
          }
        const value = Reflect.get(target, prop)
        return typeof value === 'function' ? value.bind(target) : value
      },
    }) as Database
    const principals = await Promise.all(Array.from({ length: 8 }, () => rememberedAgentToken(counted, t.token)))
    expect(verifications).toBe(1)
    for (const p of principals) expect(p).toMatchObject({ tenantId: app.tenant.tenant_id, actor: { type: 'agent', id: t.id } })
    expect(await rememberedAgentToken(counted, t.token)).toMatchObject({ liveToken: t.id })
    expect(verifications).toBe(1)
    expect(await Promise.all(Array.from({ length: 4 }, () => rememberedAgentToken(counted, wrong)))).toEqual([null, null, null, null])
    expect(verifications).toBe(2)
    // A refused secret is not remembered: the next call asks again.
    expect(await rememberedAgentToken(counted, wrong)).toBeNull()
    expect(verifications).toBe(3)
  })
})
