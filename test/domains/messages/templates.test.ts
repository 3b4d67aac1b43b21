import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TEMPLATES } from '../../../core/domains/messages/default-templates.js'
import { TEMPLATE_KINDS } from '../../../core/domains/messages/kinds.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditActions, countAsTenant, fieldsOf, made, newContact, allowAlways } from '../../helpers/fixtures.js'

describe.each(engines)('message templates through the API (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
    // What these tests check is what the actions do, not the owner's queue.
    await allowAlways(app, 'template.create', 'template.update', 'template.set_default', 'message.schedule')
  })
  afterAll(() => app.close())

  const template = (data: Record<string, unknown>) => made(app, 'template', 'create', data)
  const defaultOf = async (kind: string) => {
    const list = expectData(await app.query({ type: 'templates', kind }))
    return list.items.filter((t: any) => t.is_default)
  }

  it('gives a new business one default template per kind, audited as created by the system', async () => {
    const list = expectData(await app.query({ type: 'templates', limit: 100 }))
    const defaults = list.items.filter((t: any) => t.is_default)
    expect(defaults.map((t: any) => t.kind).sort()).toEqual([...TEMPLATE_KINDS].sort())
    const confirmation = defaults.find((t: any) => t.kind === 'confirmation')
    expect(confirmation).toMatchObject({ name: DEFAULT_TEMPLATES.confirmation.name, body: DEFAULT_TEMPLATES.confirmation.body })
    expect(confirmation.variables).toEqual(expect.arrayContaining(['customer_first_name', 'appointment_date', 'confirm_link']))
    const trail = expectData(await app.query({ type: 'templates', id: confirmation.id, include: 'audit_trail' })).audit_trail
    expect(trail).toEqual([expect.objectContaining({ action: 'create', actor_type: 'system' })])
  })

  it('creates a template, reads it back with its audit trail, and updates it', async () => {
    const t = await template({
      kind: 'reminder',
      name: 'Short reminder',
      subject: 'See you {{appointment_date}}',
      body: 'Hi {{customer_first_name}}, we come at {{ appointment_time }}.',
    })
    expect(t).toMatchObject({ kind: 'reminder', name: 'Short reminder', is_default: false, archived_at: null })
    const updated = await made(app, 'template', 'update', {
      template_id: t.id,
      body: 'Hi {{customer_name}}, tomorrow at {{appointment_time}}.',
    })
    expect(updated).toMatchObject({
      name: 'Short reminder',
      subject: 'See you {{appointment_date}}',
      body: 'Hi {{customer_name}}, tomorrow at {{appointment_time}}.',
    })
    const read = expectData(await app.query({ type: 'templates', id: t.id, include: 'audit_trail' }))
    expect(read.variables).toEqual(['appointment_date', 'customer_name', 'appointment_time'])
    expect(read.audit_trail.map((a: any) => a.action)).toEqual(['create', 'update'])
    expect(read.audit_trail[1].changes.body.old).toBe('Hi {{customer_first_name}}, we come at {{ appointment_time }}.')
    expect(read.audit_trail[0].actor_type).toBe('agent')
  })

  it('refuses an unknown variable on save, naming it, the field and the known variables, and writes nothing', async () => {
    const before = await countAsTenant(app, 'message_templates')
    const bad = await app.action('template', 'create', {
      kind: 'custom',
      name: 'Typo',
      subject: 'Hello {{customer_nam}}',
      body: 'Total {{total_price}}',
    })
    expectError(bad, 400, 'VALIDATION_ERROR')
    expect(fieldsOf(bad)).toEqual(['data.subject', 'data.body'])
    expect(bad.body.error.message).toContain('{{customer_nam}}')
    expect(bad.body.error.message).toContain('{{total_price}}')
    expect(bad.body.error.message).toContain('customer_first_name')
    expect(await countAsTenant(app, 'message_templates')).toBe(before)

    const t = await template({ kind: 'custom', name: 'To fix', subject: 'Hi', body: 'Body' })
    const badUpdate = await app.action('template', 'update', { template_id: t.id, body: 'Pay {{amount}}' })
    expectError(badUpdate, 400, 'VALIDATION_ERROR')
    expect(fieldsOf(badUpdate)).toEqual(['data.body'])
    expect(expectData(await app.query({ type: 'templates', id: t.id })).body).toBe('Body')
    expect(await auditActions(app, 'template', t.id)).toEqual(['create'])
  })

  it('names the field of bad input: a missing body, an unknown kind, an extra field', async () => {
    const res = await app.action('template', 'create', { kind: 'newsletter', name: 'X', subject: 'S', extra: true })
    expectError(res, 400, 'VALIDATION_ERROR')
    expect(fieldsOf(res)).toEqual(expect.arrayContaining(['data.kind', 'data.body', 'data']))
  })

  it('refuses a second template with the same name as a CONFLICT', async () => {
    await template({ kind: 'follow_up', name: 'Thanks again', subject: 'Thanks', body: 'Thank you {{customer_first_name}}' })
    expectError(await app.action('template', 'create', { kind: 'custom', name: 'Thanks again', subject: 'x', body: 'y' }), 409, 'CONFLICT')
  })

  it('keeps one default per kind: set_default moves it, and creating with is_default takes it over', async () => {
    const [original] = await defaultOf('follow_up')
    const mine = await template({
      kind: 'follow_up',
      name: 'Warm follow-up',
      subject: 'How did we do?',
      body: 'Hi {{customer_first_name}}',
    })
    const set = await made(app, 'template', 'set_default', { template_id: mine.id })
    expect(set.is_default).toBe(true)
    expect((await defaultOf('follow_up')).map((t: any) => t.id)).toEqual([mine.id])
    expect(await auditActions(app, 'template', original.id)).toEqual(['create', 'update'])
    expect(await auditActions(app, 'template', mine.id)).toEqual(['create', 'set_default'])
    expect((await made(app, 'template', 'set_default', { template_id: mine.id })).is_default).toBe(true)
    expect(await auditActions(app, 'template', mine.id)).toEqual(['create', 'set_default'])

    const newer = await template({ kind: 'follow_up', name: 'Newest follow-up', subject: 'Hi', body: 'Hi', is_default: true })
    expect((await defaultOf('follow_up')).map((t: any) => t.id)).toEqual([newer.id])
  })

  it('archives a template: hidden from the default list, listed with status=archived, and no longer the default', async () => {
    const t = await template({
      kind: 'reach_out',
      name: 'Seasonal',
      subject: 'Spring is here',
      body: 'Book your spring visit',
      is_default: true,
    })
    const archived = await made(app, 'template', 'archive', { template_id: t.id })
    expect(archived.archived_at).not.toBeNull()
    expect(archived.is_default).toBe(false)
    expect((await made(app, 'template', 'archive', { template_id: t.id })).archived_at).toBe(archived.archived_at)
    expect(await auditActions(app, 'template', t.id)).toEqual(['create', 'archive'])
    const active = expectData(await app.query({ type: 'templates', kind: 'reach_out' }))
    expect(active.items.map((x: any) => x.id)).not.toContain(t.id)
    const onlyArchived = expectData(await app.query({ type: 'templates', status: 'archived' }))
    expect(onlyArchived.items.map((x: any) => x.id)).toContain(t.id)
    expect(onlyArchived.items.every((x: any) => x.archived_at !== null)).toBe(true)
    expectError(await app.action('template', 'update', { template_id: t.id, name: 'Revived' }), 409, 'CONFLICT')
    expectError(await app.action('template', 'set_default', { template_id: t.id }), 409, 'CONFLICT')
  })

  it('falls back to the built-in text when a business has no default of a kind (e.g. created before defaults existed)', async () => {
    const contact = await newContact(app, { first_name: 'Rosa', last_name: 'Diaz' })
    await app.t.admin.query(`update message_templates set is_default = false where tenant_id = $1 and kind = 'custom'`, [
      app.tenant.tenant_id,
    ])
    const message = await made(app, 'message', 'schedule', {
      contact_id: contact,
      kind: 'custom',
      body: 'Your gate code changed?',
      send_at: '2031-01-05T15:00:00Z',
    })
    expect(message.template_id).toBeNull()
    expect(message.rendered.subject).toBe('A message from Sparkle Windows')
    expect(message.rendered.body).toBe(
      'Hi Rosa,\n\nYour gate code changed?\n\nSparkle Windows\n\n' +
        'Sparkle Windows takes payment only as its invoices show, and never asks you to pay by phone, with gift cards or into another account.',
    )
  })

  it('answers NOT_FOUND for a template that does not exist', async () => {
    expectError(
      await app.action('template', 'update', { template_id: '00000000-0000-4000-8000-000000000009', name: 'x' }),
      404,
      'NOT_FOUND',
    )
    expectError(await app.query({ type: 'templates', id: '00000000-0000-4000-8000-000000000009' }), 404, 'NOT_FOUND')
  })
})
