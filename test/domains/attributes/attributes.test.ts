import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditEntries, countRows, newContactRecord, person, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('attributes (%s)', (engine) => {
  let app: TestApp
  let c: any
  beforeAll(async () => {
    app = await startTestApp(engine)
    c = await newContactRecord(app, { display_name: 'Attribute Holder' })
  })
  afterAll(() => app.close())

  it('sets a new key, updates it with old and new in the audit, and removes it', async () => {
    const set = expectData(
      await app.action('attribute', 'set', { contact_id: c.id, key: 'has_screens', value: true, source: 'note', confidence: 0.75 }),
    )
    expect(set).toMatchObject({
      contact_id: c.id,
      key: 'has_screens',
      value: true,
      source: 'note',
      confidence: 0.75,
      confirmed_by: null,
      confirmed_at: null,
    })
    const changed = expectData(
      await app.action('attribute', 'set', { contact_id: c.id, key: 'has_screens', value: { count: 14 }, source: 'ticket_closeout' }),
    )
    expect(changed).toMatchObject({ id: set.id, value: { count: 14 }, source: 'ticket_closeout', confidence: 0.75 })
    expect(await countRows(app, 'attributes', 'contact_id = $2', [c.id])).toBe(1)
    const removed = expectData(await app.action('attribute', 'remove', { contact_id: c.id, key: 'has_screens' }))
    expect(removed).toMatchObject({ id: set.id, removed: true })
    const audit = await auditEntries(app, 'attribute', set.id)
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'remove'])
    expect(audit[1].changes.value).toEqual({ old: true, new: { count: 14 } })
    expect(audit[1].changes.source).toEqual({ old: 'note', new: 'ticket_closeout' })
    expectError(await app.action('attribute', 'remove', { contact_id: c.id, key: 'has_screens' }), 404, 'NOT_FOUND')
  })

  it('records who confirmed a fact: the person, or nobody for an agent; a changed value needs confirming again', async () => {
    const outsider = await person(app, 'tech@sparkle.test', 'technician')
    expectError(
      await outsider.action('attribute', 'set', { contact_id: c.id, key: 'customer_demographic', value: 'elderly' }),
      403,
      'FORBIDDEN',
    )
    const tech = await person(app, 'office@sparkle.test', 'owner')
    const byPerson = expectData(
      await tech.action('attribute', 'set', { contact_id: c.id, key: 'customer_demographic', value: 'elderly', confirmed: true }),
    )
    expect(byPerson.confirmed_by).toBe(tech.userId)
    expect(byPerson.confirmed_at).not.toBeNull()
    const sameValue = expectData(
      await app.action('attribute', 'set', { contact_id: c.id, key: 'customer_demographic', value: 'elderly', confidence: 0.9 }),
    )
    expect(sameValue.confirmed_by).toBe(tech.userId)
    const newValue = expectData(await app.action('attribute', 'set', { contact_id: c.id, key: 'customer_demographic', value: 'retired' }))
    expect(newValue).toMatchObject({ confirmed_by: null, confirmed_at: null })
    const byAgent = expectData(
      await app.action('attribute', 'set', { contact_id: c.id, key: 'customer_demographic', value: 'retired', confirmed: true }),
    )
    expect(byAgent.confirmed_by).toBeNull()
    expect(byAgent.confirmed_at).not.toBeNull()
  })

  it('names the field of bad input and writes nothing', async () => {
    const before = await countRows(app, 'attributes')
    const bad = await app.action('attribute', 'set', { contact_id: c.id, key: 'Has Pets', value: 'dog', source: 'guess', confidence: 2 })
    expectError(bad, 400, 'VALIDATION_ERROR')
    expect(validationFieldsOf(bad)).toEqual(['data.key', 'data.source', 'data.confidence'])
    expect(validationFieldsOf(await app.action('attribute', 'set', { contact_id: c.id, key: 'pets' }))).toEqual(['data.value'])
    expect(validationFieldsOf(await app.action('attribute', 'set', { contact_id: c.id, key: 'pets', value: null }))).toEqual(['data.value'])
    const noContact = await app.action('attribute', 'set', {
      contact_id: '00000000-0000-4000-8000-000000000000',
      key: 'pets',
      value: 'dog',
    })
    expectError(noContact, 404, 'NOT_FOUND')
    expect(noContact.body.error.details.field).toBe('data.contact_id')
    const noTicket = await app.action('attribute', 'set', {
      contact_id: c.id,
      key: 'pets',
      value: 'dog',
      ticket_id: '00000000-0000-4000-8000-000000000000',
    })
    expect(noTicket.body.error.details.field).toBe('data.ticket_id')
    expect(await countRows(app, 'attributes')).toBe(before)
  })

  it('lists attributes across contacts by key and value', async () => {
    const a = await newContactRecord(app, { display_name: 'Dog Person' })
    const b = await newContactRecord(app, { display_name: 'Cat Person' })
    expectData(await app.action('attribute', 'set', { contact_id: a.id, key: 'pet', value: ['Dog', 'bird'] }))
    expectData(await app.action('attribute', 'set', { contact_id: b.id, key: 'pet', value: 'cat' }))
    expectData(await app.action('attribute', 'set', { contact_id: b.id, key: 'windows', value: 22 }))
    const list = async (params: Record<string, string>) =>
      expectData(await app.query({ type: 'attributes', ...params })).items.map((x: any) => `${x.display_name}:${x.key}`)
    expect(await list({ key: 'pet' })).toHaveLength(2)
    expect(await list({ key: 'pet', value: 'dog' })).toEqual(['Dog Person:pet'])
    expect(await list({ value: 'CAT' })).toEqual(['Cat Person:pet'])
    expect(await list({ value: '22' })).toEqual(['Cat Person:windows'])
    expect(await list({ contact_id: b.id })).toEqual(['Cat Person:pet', 'Cat Person:windows'])
    expect(validationFieldsOf(await app.query({ type: 'attributes', key: 'not a key' }))).toEqual(['key'])
  })
})
