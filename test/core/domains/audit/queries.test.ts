import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../../../core/kernel/context.js'
import { performAction } from '../../../../core/kernel/operations.js'
import { startTestApp, type TestApp } from '../../../helpers/app.js'
import { engines } from '../../../helpers/databases.js'

interface Entry {
  id: number
  entity_type: string
  entity_id: string
  action: string
  changes: Record<string, unknown>
  actor_type: string
  actor_id: string | null
  reasoning: string | null
  request_id: string | null
  created_at: string
}

describe.each(engines)('the audit_trail data type (%s)', (engine) => {
  let app: TestApp
  let x: string
  let y: string
  let all: Entry[]
  /** Entries written when the business was created, before the changes this file makes. */
  let founding: Entry[]
  const list = async (params: Record<string, string | number> = {}) => {
    const res = await app.query<{ items: Entry[]; next_cursor: string | null }>({ type: 'audit_trail', limit: 100, ...params })
    expect(res.status, JSON.stringify(res.body.error)).toBe(200)
    return res.body.data!.items
  }

  beforeAll(async () => {
    app = await startTestApp(engine)
    founding = await list()
    x = (await app.action('contact', 'create', { display_name: 'Xavier Stone' })).body.data.id
    y = (await app.action('contact', 'create', { display_name: 'Yolanda Reed' })).body.data.id
    await app.action('contact', 'update', { contact_id: x, display_name: 'Xavier Stone Jr.' }, { reasoning: 'Customer asked' })
    await app.action('contact', 'update', { contact_id: x, display_name: 'Xavier Stone III' })
    await app.action('contact', 'archive', { contact_id: y })
    const owner: Principal = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    await performAction(
      app.services,
      owner,
      { domain: 'contact', action: 'update', data: { contact_id: y, status: 'active' } },
      { requestId: 'req-owner' },
    )
    all = await list()
  })
  afterAll(() => app.close())

  it("lists the business's changes newest first, each with what, who, why and when", async () => {
    // Two creates, two updates of x, archive of y, the owner restoring y; then what creating the business recorded.
    expect(all).toHaveLength(founding.length + 6)
    expect(all.slice(6)).toEqual(founding)
    expect(founding.map((e) => `${e.entity_type}:${e.action}`)).toContain('tenant:create')
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((p, q) => q - p))
    expect(all[0]).toEqual({
      id: expect.any(Number),
      entity_type: 'contact',
      entity_id: y,
      action: 'update',
      changes: { status: { old: 'archived', new: 'active' }, archived_at: { old: expect.any(String), new: null } },
      actor_type: 'user',
      actor_id: app.tenant.owner_user_id,
      reasoning: null,
      request_id: 'req-owner',
      created_at: expect.any(String),
    })
    expect(all.slice(0, 6).map((e) => `${e.entity_type}:${e.action}:${e.entity_id}`)).toEqual([
      `contact:update:${y}`,
      `contact:archive:${y}`,
      `contact:update:${x}`,
      `contact:update:${x}`,
      `contact:create:${y}`,
      `contact:create:${x}`,
    ])
  })

  it('filters by record, kind, action, actor and time', async () => {
    expect((await list({ entity_id: x })).map((e) => e.action)).toEqual(['update', 'update', 'create'])
    expect((await list({ entity_id: x, action: 'update' })).map((e) => e.changes)).toEqual([
      { display_name: { old: 'Xavier Stone Jr.', new: 'Xavier Stone III' } },
      { display_name: { old: 'Xavier Stone', new: 'Xavier Stone Jr.' } },
    ])
    const ofTenant = await list({ entity_type: 'tenant' })
    expect(ofTenant.length).toBeGreaterThan(0)
    expect(new Set(ofTenant.map((e) => e.entity_id))).toEqual(new Set([app.tenant.tenant_id]))
    expect((await list({ action: 'archive' })).map((e) => e.entity_id)).toEqual([y])
    expect((await list({ actor_type: 'user' })).map((e) => e.request_id)).toEqual(['req-owner'])
    expect((await list({ actor_id: app.tenant.owner_user_id })).map((e) => e.request_id)).toEqual(['req-owner'])
    expect((await list({ actor_type: 'agent' })).filter((e) => e.reasoning).map((e) => e.reasoning)).toEqual(['Customer asked'])

    const pivot = all[3]
    const since = await list({ since: pivot.created_at })
    expect(since.map((e) => e.id)).toContain(pivot.id)
    expect(since.every((e) => Date.parse(e.created_at) >= Date.parse(pivot.created_at))).toBe(true)
    expect(since.map((e) => e.id)).toEqual(expect.arrayContaining(all.slice(0, 3).map((e) => e.id)))
    const until = await list({ until: pivot.created_at })
    expect(until.map((e) => e.id)).not.toContain(pivot.id)
    expect(until.every((e) => Date.parse(e.created_at) <= Date.parse(pivot.created_at))).toBe(true)
    expect(until.map((e) => e.id)).toEqual(expect.arrayContaining(all.slice(5, 6).map((e) => e.id)))
    expect(await list({ since: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([])
  })

  it('pages newest first with a cursor, every entry exactly once', async () => {
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const res: any = await app.query({ type: 'audit_trail', limit: 3, ...(cursor ? { cursor } : {}) })
      expect(res.body.data.items.length).toBeLessThanOrEqual(3)
      seen.push(...res.body.data.items.map((e: Entry) => e.id))
      cursor = res.body.data.next_cursor
    } while (cursor)
    expect(seen).toEqual(all.map((e) => e.id))
  })

  it('explains its mistakes: an id instead of entity_id, a bad time, a damaged cursor, an unknown filter', async () => {
    const byId = await app.query({ type: 'audit_trail', id: x })
    expect(byId.status).toBe(404)
    expect(byId.body.error.message).toContain(`entity_id=${x}`)
    const badTime = await app.query({ type: 'audit_trail', since: 'yesterday' })
    expect(badTime.status).toBe(400)
    expect(badTime.body.error.details.issues.map((i: any) => i.field)).toEqual(['since'])
    const badCursor = await app.query({ type: 'audit_trail', cursor: 'not-a-cursor' })
    expect(badCursor.status).toBe(400)
    expect(badCursor.body.error.details.issues.map((i: any) => i.field)).toEqual(['cursor'])
    const unknown = await app.query({ type: 'audit_trail', who: 'me' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.details.issues.map((i: any) => i.field)).toEqual(['who'])
  })

  it('is described in the capabilities with its filters', async () => {
    const caps = await app.call('GET', '/api/capabilities')
    const type = caps.body.data.data_types.find((d: any) => d.type === 'audit_trail')
    expect(Object.keys(type.params.properties)).toEqual([
      'entity_type',
      'entity_id',
      'action',
      'actor_type',
      'actor_id',
      'contact_id',
      'since',
      'until',
    ])
  })
})
