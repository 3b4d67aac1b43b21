import { existsSync, readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { bothEngines } from '../../helpers/databases.js'
import { auditTrailActions, countRows, expectFields, newContact, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'
import { b64, JPEG, PNG, pdf } from '../../helpers/files.js'

// Both engines: what it checks differs between the engines.

describe.each(bothEngines)('documents and photos (%s)', (engine) => {
  let app: TestApp
  let jane: string
  let invoiceId: string

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
    jane = await newContact(app, { display_name: 'Jane Files' })
    invoiceId = expectData(
      await app.action('invoice', 'create', {
        contact_id: jane,
        line_items: [{ description: 'Windows', unit_price_cents: 12_000, taxable: false }],
      }),
    ).id
  })
  afterAll(() => app.close())

  const content = async (id: string, version?: number) =>
    expectData(await app.query({ type: 'document_content', id, ...(version ? { version } : {}) }))

  it('keeps a photo with a customer, knows it by its bytes, and gives the same bytes back', async () => {
    const photo = expectData(
      await app.action('document', 'upload', {
        contact_id: jane,
        name: 'Front of house',
        tags: ['Front', 'before', 'front'],
        content_base64: b64(PNG),
      }),
    )
    expect(photo).toMatchObject({
      contact_id: jane,
      ticket_id: null,
      invoice_id: null,
      name: 'Front of house',
      category: 'photo',
      tags: ['front', 'before'],
      version: 1,
      content_type: 'image/png',
      size_bytes: PNG.length,
      author_type: 'agent',
      archived_at: null,
    })
    expect(photo).not.toHaveProperty('content_base64')
    const read = await content(photo.id)
    expect(Buffer.from(read.content_base64, 'base64').equals(PNG)).toBe(true)
    expect(read).toMatchObject({ id: photo.id, name: 'Front of house', version: 1, content_type: 'image/png' })
    expect(expectData(await app.query({ type: 'documents', contact_id: jane })).items.map((d: any) => d.id)).toEqual([photo.id])
    expect(await auditTrailActions(app, 'documents', photo.id)).toEqual(['create'])
  })

  it("keeps the bytes in the store of its engine, named by their hash and never by the file's name", async () => {
    const doc = expectData(
      await app.action('document', 'upload', { invoice_id: invoiceId, name: '../../etc/passwd', content_base64: b64(pdf('store')) }),
    )
    expect(doc).toMatchObject({ invoice_id: invoiceId, category: 'other', content_type: 'application/pdf' })
    if (engine === 'pglite') {
      expect(app.services.documents.kind).toBe('files')
      const folder = app.services.documents.describe().replace(/^as files in /, '')
      expect(readdirSync(`${folder}/${app.tenant.tenant_id}`)).toContain(doc.sha256)
      expect(existsSync(`${folder}/etc`)).toBe(false)
    } else {
      expect(app.services.documents.kind).toBe('database')
      const r = await app.t.admin.query<{ n: number }>(
        'select length(content)::int as n from document_blobs where tenant_id = $1 and sha256 = $2',
        [app.tenant.tenant_id, doc.sha256],
      )
      expect(r.rows[0].n).toBe(doc.size_bytes)
    }
  })

  it('keeps every version readable while the list shows the latest', async () => {
    const contract = expectData(
      await app.action('document', 'upload', {
        contact_id: jane,
        name: 'Contract',
        category: 'contract',
        content_base64: b64(pdf('first draft')),
      }),
    )
    const second = expectData(
      await app.action('document', 'new_version', {
        document_id: contract.id,
        content_base64: b64(pdf('signed')),
        content_type: 'application/pdf',
      }),
    )
    expect(second).toMatchObject({ id: contract.id, version: 2, name: 'Contract' })
    expect(second.sha256).not.toBe(contract.sha256)
    expect(Buffer.from((await content(contract.id)).content_base64, 'base64').toString('latin1')).toContain('signed')
    expect(Buffer.from((await content(contract.id, 1)).content_base64, 'base64').toString('latin1')).toContain('first draft')
    expectError(await app.query({ type: 'document_content', id: contract.id, version: 3 }), 404, 'NOT_FOUND')
    const listed = expectData(await app.query({ type: 'documents', contact_id: jane, category: 'contract', include: 'versions' })).items
    expect(listed).toHaveLength(1)
    expect(listed[0].version).toBe(2)
    expect(listed[0].versions.map((v: any) => [v.version, v.sha256])).toEqual([
      [1, contract.sha256],
      [2, second.sha256],
    ])
    expect(await auditTrailActions(app, 'documents', contract.id)).toEqual(['create', 'new_version'])
  })

  it('renames and tags, filters by tag, and archives out of the lists while staying readable by id', async () => {
    const doc = expectData(
      await app.action('document', 'upload', { contact_id: jane, name: 'Estimate', content_base64: b64(pdf('estimate')) }),
    )
    const changed = expectData(
      await app.action('document', 'update', { document_id: doc.id, name: 'Estimate 2027', category: 'estimate', tags: ['Gutters'] }),
    )
    expect(changed).toMatchObject({ name: 'Estimate 2027', category: 'estimate', tags: ['gutters'], version: 1 })
    expect(expectData(await app.query({ type: 'documents', tag: 'GUTTERS' })).items.map((d: any) => d.id)).toEqual([doc.id])
    expect(expectData(await app.query({ type: 'documents', tag: 'roof' })).items).toEqual([])
    expectError(await app.action('document', 'archive', { document_id: doc.id }), 422, 'REASONING_REQUIRED')
    const archived = expectData(await app.action('document', 'archive', { document_id: doc.id }, { reasoning: 'Uploaded twice' }))
    expect(archived.archived_at).not.toBeNull()
    expect(expectData(await app.query({ type: 'documents', contact_id: jane })).items.map((d: any) => d.id)).not.toContain(doc.id)
    expect(expectData(await app.query({ type: 'documents', archived: 'true' })).items.map((d: any) => d.id)).toEqual([doc.id])
    expect(expectData(await app.query({ type: 'documents', id: doc.id })).name).toBe('Estimate 2027')
    expectError(await app.action('document', 'update', { document_id: doc.id, name: 'Again' }), 409, 'CONFLICT')
    expectError(await app.action('document', 'new_version', { document_id: doc.id, content_base64: b64(pdf('x')) }), 409, 'CONFLICT')
    expect(await auditTrailActions(app, 'documents', doc.id)).toEqual(['create', 'update', 'archive'])
  })

  it('refuses what it cannot keep, naming the field, and writes nothing', async () => {
    const before = [await countRows(app, 'documents'), await countRows(app, 'document_versions')]
    const upload = (data: Record<string, unknown>) =>
      app.action('document', 'upload', { contact_id: jane, name: 'x', content_base64: b64(PNG), ...data })
    expectFields(await upload({ content_type: 'application/pdf' }), ['data.content_type'])
    expectFields(await upload({ content_base64: b64(Buffer.from('just words')), content_type: 'application/pdf' }), ['data.content_type'])
    expectFields(await upload({ content_base64: b64(Buffer.from('just words')) }), ['data.content_type'])
    expectFields(await upload({ content_base64: b64(Buffer.from('MZ\u0090\u0000')), content_type: 'application/x-msdownload' }), [
      'data.content_type',
    ])
    expectFields(await upload({ content_base64: b64(Buffer.from([0, 1, 2, 3])), content_type: 'text/plain' }), ['data.content_type'])
    expectFields(await upload({ content_base64: 'not base64 at all!' }), ['data.content_base64'])
    expectFields(await upload({ category: 'selfie' }), ['data.category'])
    expectFields(await upload({ name: '  ' }), ['data.name'])
    expectFields(await upload({ contact_id: undefined }), ['data.contact_id', 'data.ticket_id', 'data.invoice_id', 'data.quote_id'])
    expectFields(await upload({ invoice_id: invoiceId }), ['data.contact_id', 'data.invoice_id'])
    const missing = await upload({ contact_id: '00000000-0000-4000-8000-000000000001' })
    expectError(missing, 404, 'NOT_FOUND')
    expect(missing.body.error.details.field).toBe('data.contact_id')
    const limit = app.services.config.documents.maxBytes
    app.services.config.documents.maxBytes = 1_000
    try {
      const big = await upload({ content_base64: b64(Buffer.concat([JPEG, Buffer.alloc(2_000)])) })
      expectFields(big, ['data.content_base64'])
      expect(big.body.error.message).toContain('MB')
    } finally {
      app.services.config.documents.maxBytes = limit
    }
    expect([await countRows(app, 'documents'), await countRows(app, 'document_versions')]).toEqual(before)
    const text = expectData(
      await upload({ content_base64: b64(Buffer.from('Gate code is on the side door')), content_type: 'text/plain; charset=utf-8' }),
    )
    expect(text).toMatchObject({ content_type: 'text/plain', category: 'other' })
  })

  it('takes a file far larger than other calls may be, while other calls keep their limit', async () => {
    const large = Buffer.concat([pdf('large'), Buffer.alloc(600_000, 0x20)])
    const doc = expectData(
      await app.action('document', 'upload', { ticket_id: undefined, contact_id: jane, name: 'Big scan', content_base64: b64(large) }),
    )
    expect(doc.size_bytes).toBe(large.length)
    const huge = await app.action('contact', 'create', { display_name: 'Huge', first_name: 'x'.repeat(app.services.config.bodyLimitBytes) })
    expectError(huge, 413, 'VALIDATION_ERROR')
  })

  it('lets a technician add photos to their own tickets, closed ones too, and read only those', async () => {
    const tech = await addUser(app, 'tech@sparkle.test', 'technician', 'Tom Tech')
    const other = await addUser(app, 'other@sparkle.test', 'technician', 'Olga Other')
    const ticket = (technicianIds: string[]) =>
      app.action('ticket', 'create', {
        contact_id: jane,
        scheduled_start: '2026-10-20T14:00:00Z',
        duration_minutes: 60,
        technician_ids: technicianIds,
        line_items: [{ description: 'Windows', unit_price_cents: 9_000 }],
      })
    const mine = expectData(await ticket([tech])).id
    const theirs = expectData(await ticket([other])).id
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expectData(
      await owner.action('ticket', 'close', {
        ticket_id: mine,
        duration_minutes: 60,
        line_items: [{ description: 'Windows', unit_price_cents: 9_000 }],
        notes: '',
        next_service: { kind: 'none' },
      }),
    )
    const t = await signedIn(app, tech)
    const photo = expectData(await t.action('document', 'upload', { ticket_id: mine, name: 'After', content_base64: b64(JPEG) }))
    expect(photo).toMatchObject({ ticket_id: mine, category: 'photo', content_type: 'image/jpeg', author_type: 'user', author_id: tech })
    expectError(await t.action('document', 'upload', { ticket_id: theirs, name: 'After', content_base64: b64(JPEG) }), 403, 'FORBIDDEN')
    expectError(await t.action('document', 'upload', { invoice_id: invoiceId, name: 'After', content_base64: b64(JPEG) }), 403, 'FORBIDDEN')
    expectError(await t.action('document', 'upload', { contact_id: jane, name: 'After', content_base64: b64(JPEG) }), 403, 'FORBIDDEN')
    expectError(await t.action('document', 'archive', { document_id: photo.id }), 403, 'FORBIDDEN')
    const ownerPhoto = expectData(await app.action('document', 'upload', { ticket_id: theirs, name: 'Theirs', content_base64: b64(PNG) }))
    expect(expectData(await t.query({ type: 'documents', ticket_id: mine })).items.map((d: any) => d.id)).toEqual([photo.id])
    expectError(await t.query({ type: 'documents', ticket_id: theirs }), 403, 'FORBIDDEN')
    expectError(await t.query({ type: 'document_content', id: ownerPhoto.id }), 403, 'FORBIDDEN')
    expect(Buffer.from(expectData(await t.query({ type: 'document_content', id: photo.id })).content_base64, 'base64').equals(JPEG)).toBe(
      true,
    )
    expect(expectData(await t.query({ type: 'documents' })).items.map((d: any) => d.id)).toEqual([photo.id])
  })
})
