import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreatedTenant } from '../../core/kernel/tenants.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'

describe.each(engines)('tenant isolation through HTTP (%s)', (engine) => {
  let app: TestApp
  let other: CreatedTenant
  let contactOfA: any
  beforeAll(async () => {
    app = await startTestApp(engine)
    other = await app.createTenant('Rival Windows')
    contactOfA = expectData(await app.action('contact', 'create', { display_name: 'Private Customer', first_name: 'Pat' }))
  })
  afterAll(() => app.close())

  it('the owner tenant sees its contact', async () => {
    expect(expectData(await app.query({ type: 'contacts', id: contactOfA.id })).display_name).toBe('Private Customer')
  })

  it("another tenant's agent cannot read it by id", async () => {
    const res = await app.query({ type: 'contacts', id: contactOfA.id }, other.agent_token)
    expectError(res, 404, 'NOT_FOUND')
    expect(JSON.stringify(res.body)).not.toContain('Private Customer')
    expectError(await app.query({ type: 'contacts', id: contactOfA.id, include: 'audit_trail' }, other.agent_token), 404, 'NOT_FOUND')
  })

  it("another tenant's agent does not find it in lists or searches", async () => {
    const filters: Array<Record<string, string>> = [{}, { q: 'Private Customer' }, { status: 'active' }, { status: 'archived' }]
    for (const params of filters) {
      const list = expectData(await app.query({ type: 'contacts', limit: 100, ...params }, other.agent_token))
      expect(list.items.map((c: any) => c.id)).not.toContain(contactOfA.id)
    }
  })

  it("another tenant's agent cannot update or archive it, and it stays as it was", async () => {
    expectError(
      await app.action('contact', 'update', { contact_id: contactOfA.id, display_name: 'Hijacked' }, { token: other.agent_token }),
      404,
      'NOT_FOUND',
    )
    expectError(await app.action('contact', 'archive', { contact_id: contactOfA.id }, { token: other.agent_token }), 404, 'NOT_FOUND')
    const read = expectData(await app.query({ type: 'contacts', id: contactOfA.id, include: 'audit_trail' }))
    expect(read).toMatchObject({ display_name: 'Private Customer', status: 'active' })
    expect(read.audit_trail.map((a: any) => a.action)).toEqual(['create'])
  })

  it("each agent sees only its own tenant's records", async () => {
    const mine = expectData(await app.action('contact', 'create', { display_name: 'Rival Own Customer' }, { token: other.agent_token }))
    const listOfB = expectData(await app.query({ type: 'contacts', limit: 100 }, other.agent_token)).items.map((c: any) => c.id)
    expect(listOfB).toEqual([mine.id])
    const listOfA = expectData(await app.query({ type: 'contacts', limit: 100 })).items.map((c: any) => c.id)
    expect(listOfA).not.toContain(mine.id)
  })
})
