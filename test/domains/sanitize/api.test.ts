import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { newContactRecord } from '../../helpers/fixtures.js'

describe.each(engines)('the API redacts free text before it is written (%s)', (engine) => {
  let app: TestApp
  let agentId: string
  const events = async (requestId: string) =>
    (
      await app.t.admin.query(
        `select kind, layer, entity_type, entity_id, field, detail, actor_type, actor_id, request_id from security_events
     where tenant_id = $1 and request_id = $2 order by field, kind`,
        [app.tenant.tenant_id, requestId],
      )
    ).rows

  beforeAll(async () => {
    app = await startTestApp(engine)
    agentId = (await app.t.admin.query<{ id: string }>('select id from agent_tokens where tenant_id = $1', [app.tenant.tenant_id])).rows[0]
      .id
  })
  afterAll(() => app.close())

  it('redacts a note, tells the caller, and records a security event without the secret', async () => {
    const c = await newContactRecord(app, { display_name: 'Careless Caller' })
    const res = await app.action('note', 'add', {
      contact_id: c.id,
      content: 'She read me her card 4111 1111 1111 1111 and SSN 123-45-6789',
    })
    const note = expectData(res)
    expect(note.content).toBe('She read me her card [REDACTED] and SSN [REDACTED]')
    expect(note.redactions).toEqual([
      { field: 'data.content', kind: 'card', count: 1 },
      { field: 'data.content', kind: 'ssn', count: 1 },
    ])
    const requestId = res.body.meta.request_id
    expect(await events(requestId)).toEqual([
      {
        kind: 'card',
        layer: 'api',
        entity_type: 'note',
        entity_id: note.id,
        field: 'data.content',
        detail: { count: 1, action: 'note.add' },
        actor_type: 'agent',
        actor_id: agentId,
        request_id: requestId,
      },
      {
        kind: 'ssn',
        layer: 'api',
        entity_type: 'note',
        entity_id: note.id,
        field: 'data.content',
        detail: { count: 1, action: 'note.add' },
        actor_type: 'agent',
        actor_id: agentId,
        request_id: requestId,
      },
    ])
    const stored = await app.t.admin.query('select content from notes where id = $1', [note.id])
    expect(stored.rows[0].content).toBe(note.content)
    const traces =
      JSON.stringify((await app.t.admin.query(`select * from audit_log where tenant_id = $1`, [app.tenant.tenant_id])).rows) +
      JSON.stringify((await app.t.admin.query(`select * from security_events where tenant_id = $1`, [app.tenant.tenant_id])).rows)
    expect(traces).not.toContain('4111 1111')
    expect(traces).not.toContain('123-45-6789')
  })

  it('covers every free-text field with the same mechanism: contact about, preferences notes, address access notes, attribute values', async () => {
    const res = await app.action('contact', 'create', {
      display_name: 'Many Fields',
      about: 'amex 378282246310005',
      preferences: { notes: 'ssn 078-05-1120' },
    })
    const created = expectData(res)
    expect(created.about).toBe('amex [REDACTED]')
    expect(created.preferences.notes).toBe('ssn [REDACTED]')
    expect(created.redactions).toEqual(
      expect.arrayContaining([
        { field: 'data.preferences.notes', kind: 'ssn', count: 1 },
        { field: 'data.about', kind: 'card', count: 1 },
      ]),
    )
    expect(created.redactions).toHaveLength(2)
    expect((await events(res.body.meta.request_id)).map((e: any) => [e.entity_type, e.entity_id, e.field, e.kind])).toEqual([
      ['contact', created.id, 'data.about', 'card'],
      ['contact', created.id, 'data.preferences.notes', 'ssn'],
    ])
    const address = expectData(
      await app.action('address', 'add', {
        contact_id: created.id,
        line1: '1 Main',
        city: 'Madison',
        state: 'AL',
        postal_code: '35758',
        access_notes: 'key under mat, card on file 6011-1111-1111-1117',
      }),
    )
    expect(address.access_notes).toBe('key under mat, card on file [REDACTED]')
    const attr = expectData(
      await app.action('attribute', 'set', {
        contact_id: created.id,
        key: 'payment_note',
        value: { said: 'use 5555 5555 5555 4444', times: 2 },
      }),
    )
    expect(attr.value).toEqual({ said: 'use [REDACTED]', times: 2 })
    expect(attr.redactions).toEqual([{ field: 'data.value.said', kind: 'card', count: 1 }])
  })

  it('leaves benign text alone, adds no redactions and records nothing', async () => {
    const c = await newContactRecord(app, { display_name: 'Benign Person' })
    const text = 'Call (256) 555-0142 about INV-2026-0001; ZIP 35758-1234; visit 2026-01-15; order 112-4567890-1234567'
    const res = await app.action('note', 'add', { contact_id: c.id, content: text })
    const note = expectData(res)
    expect(note.content).toBe(text)
    expect(note).not.toHaveProperty('redactions')
    expect(await events(res.body.meta.request_id)).toEqual([])
  })

  it('gives the same redacted answer to a repeated Idempotency-Key', async () => {
    const c = await newContactRecord(app, { display_name: 'Repeat Person' })
    const data = { contact_id: c.id, content: 'card 4242424242424242' }
    const first = expectData(await app.action('note', 'add', data, { headers: { 'idempotency-key': 'redact-once' } }))
    const second = await app.action('note', 'add', data, { headers: { 'idempotency-key': 'redact-once' } })
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect(expectData(second)).toEqual(first)
    expect(first.redactions).toEqual([{ field: 'data.content', kind: 'card', count: 1 }])
  })
})
