import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'
import { letters } from '../helpers/fixtures.js'

describe.each(engines)('Idempotency-Key on POST /api/actions (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  const withKey = (key: string) => ({ headers: { 'idempotency-key': key } })
  const named = async (name: string) =>
    expectData(await app.query({ type: 'contacts', q: name, limit: 100 })).items.filter((c: any) => c.display_name === name)

  it('the same key and body returns the stored result without running again', async () => {
    const key = randomUUID()
    const name = `Once ${letters(Math.floor(Math.random() * 1e12))}`
    const first = await app.action('contact', 'create', { display_name: name }, withKey(key))
    // The first call's own answer first: a failed first call would leave nothing to replay, and its error says why.
    const made = expectData(first)
    const second = await app.action('contact', 'create', { display_name: name }, withKey(key))
    expect(expectData(second).id).toBe(made.id)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect(expectData(second)).toEqual(expectData(first))
    expect(second.body.meta.request_id).not.toBe(first.body.meta.request_id)
    const rows = await named(name)
    expect(rows).toHaveLength(1)
    const read = expectData(await app.query({ type: 'contacts', id: rows[0].id, include: 'audit_trail' }))
    expect(read.audit_trail.map((a: any) => a.action)).toEqual(['create'])
  })

  it('without a key, the same body runs twice', async () => {
    const name = `Twice ${letters(Math.floor(Math.random() * 1e12))}`
    expectData(await app.action('contact', 'create', { display_name: name }))
    expectData(await app.action('contact', 'create', { display_name: name }))
    expect(await named(name)).toHaveLength(2)
  })

  it('20 concurrent requests with one key create exactly one record and all get its id', async () => {
    const key = randomUUID()
    const name = `Concurrent ${letters(Math.floor(Math.random() * 1e12))}`
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => app.action('contact', 'create', { display_name: name }, withKey(key))),
    )
    const ids = answers.map((a) => expectData(a).id)
    expect(new Set(ids).size).toBe(1)
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(19)
    const rows = await named(name)
    expect(rows.map((r: any) => r.id)).toEqual([ids[0]])
  })

  it('the same key with another body is CONFLICT and changes nothing', async () => {
    const key = randomUUID()
    const name = `Conflict ${letters(Math.floor(Math.random() * 1e12))}`
    expectData(await app.action('contact', 'create', { display_name: name }, withKey(key)))
    const other = await app.action('contact', 'create', { display_name: `${name} B` }, withKey(key))
    expectError(other, 409, 'CONFLICT')
    expect(await named(`${name} B`)).toHaveLength(0)
    const otherAction = await app.action('contact', 'archive', { contact_id: (await named(name))[0].id }, withKey(key))
    expectError(otherAction, 409, 'CONFLICT')
    expect((await named(name))[0].status).toBe('active')
  })

  it("a key is the caller's own: another agent may use the same key for its own call", async () => {
    const key = randomUUID()
    const other = await app.createTenant('Keys Co')
    const a = expectData(await app.action('contact', 'create', { display_name: 'Keyed A' }, withKey(key)))
    const b = await app.action('contact', 'create', { display_name: 'Keyed B' }, { ...withKey(key), token: other.agent_token })
    expect(b.headers.get('idempotent-replayed')).toBeNull()
    expect(expectData(b).id).not.toBe(a.id)
    expect(expectData(b).display_name).toBe('Keyed B')
  })

  it('a call that failed validation can be retried with the same key', async () => {
    const key = randomUUID()
    const name = `Retry ${letters(Math.floor(Math.random() * 1e12))}`
    // Refused by the input schema, before anything runs.
    expectError(await app.action('contact', 'create', { display_name: name, kind: 'alien' }, withKey(key)), 400, 'VALIDATION_ERROR')
    // Refused inside the action, after the key was claimed in its transaction.
    expectError(await app.action('contact', 'create', { kind: 'person' }, withKey(key)), 400, 'VALIDATION_ERROR')
    const ok = await app.action('contact', 'create', { display_name: name }, withKey(key))
    expect(ok.headers.get('idempotent-replayed')).toBeNull()
    expect(expectData(ok).display_name).toBe(name)
    const again = await app.action('contact', 'create', { display_name: name }, withKey(key))
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await named(name)).toHaveLength(1)
  })
})
