import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditEntries, countRows, newContactRecord, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('links between contacts (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('links, shows the link from both sides, and unlinks, auditing both contacts', async () => {
    const jane = await newContactRecord(app, { display_name: 'Jane Worker' })
    const acme = await newContactRecord(app, { display_name: 'Acme Offices', kind: 'organization' })
    const link = expectData(
      await app.action('contact', 'link', { contact_id: jane.id, to_contact_id: acme.id, link_type: 'works_at', note: 'Office manager' }),
    )
    expect(link).toMatchObject({ contact_id: jane.id, to_contact_id: acme.id, link_type: 'works_at', note: 'Office manager' })
    const again = expectData(await app.action('contact', 'link', { contact_id: jane.id, to_contact_id: acme.id, link_type: 'works_at' }))
    expect(again.id).toBe(link.id)
    expect(await countRows(app, 'contact_links')).toBe(1)
    const janeRead = expectData(await app.query({ type: 'contacts', id: jane.id, include: 'links' }))
    expect(janeRead.links).toEqual([
      expect.objectContaining({
        id: link.id,
        link_type: 'works_at',
        direction: 'outgoing',
        contact_id: acme.id,
        display_name: 'Acme Offices',
      }),
    ])
    const acmeRead = expectData(await app.query({ type: 'contacts', id: acme.id, include: 'links' }))
    expect(acmeRead.links).toEqual([
      expect.objectContaining({ link_type: 'works_at', direction: 'incoming', contact_id: jane.id, display_name: 'Jane Worker' }),
    ])
    const unlinked = expectData(
      await app.action('contact', 'unlink', { contact_id: jane.id, to_contact_id: acme.id, link_type: 'works_at' }),
    )
    expect(unlinked.unlinked).toBe(true)
    expect(await countRows(app, 'contact_links')).toBe(0)
    for (const c of [jane, acme]) {
      const audit = await auditEntries(app, 'contact', c.id)
      expect(audit.map((a) => a.action)).toEqual(['create', 'link', 'unlink'])
      expect(audit[1].changes.link.new).toMatchObject({ link_type: 'works_at', contact_id: jane.id, to_contact_id: acme.id })
    }
  })

  it('treats a household link as going both ways', async () => {
    const a = await newContactRecord(app, { display_name: 'Pat Home' })
    const b = await newContactRecord(app, { display_name: 'Sam Home' })
    const link = expectData(await app.action('contact', 'link', { contact_id: a.id, to_contact_id: b.id, link_type: 'household' }))
    const reverse = expectData(await app.action('contact', 'link', { contact_id: b.id, to_contact_id: a.id, link_type: 'household' }))
    expect(reverse.id).toBe(link.id)
    expectData(await app.action('contact', 'link', { contact_id: b.id, to_contact_id: a.id, link_type: 'referred_by' }))
    expectData(await app.action('contact', 'unlink', { contact_id: b.id, to_contact_id: a.id, link_type: 'household' }))
    const read = expectData(await app.query({ type: 'contacts', id: a.id, include: 'links' }))
    expect(read.links.map((l: any) => [l.link_type, l.direction])).toEqual([['referred_by', 'incoming']])
  })

  it('refuses a link to itself, an unknown type or contact, and an unlink of nothing, writing nothing', async () => {
    const a = await newContactRecord(app, { display_name: 'Solo' })
    const before = await countRows(app, 'contact_links')
    expect(validationFieldsOf(await app.action('contact', 'link', { contact_id: a.id, to_contact_id: a.id, link_type: 'other' }))).toEqual([
      'data.to_contact_id',
    ])
    expect(validationFieldsOf(await app.action('contact', 'link', { contact_id: a.id, to_contact_id: a.id, link_type: 'friend' }))).toEqual(
      ['data.link_type'],
    )
    const missing = await app.action('contact', 'link', {
      contact_id: a.id,
      to_contact_id: '00000000-0000-4000-8000-000000000000',
      link_type: 'other',
    })
    expectError(missing, 404, 'NOT_FOUND')
    expect(missing.body.error.details.field).toBe('data.to_contact_id')
    expectError(
      await app.action('contact', 'unlink', {
        contact_id: a.id,
        to_contact_id: '00000000-0000-4000-8000-000000000000',
        link_type: 'other',
      }),
      404,
      'NOT_FOUND',
    )
    expect(await countRows(app, 'contact_links')).toBe(before)
  })
})
