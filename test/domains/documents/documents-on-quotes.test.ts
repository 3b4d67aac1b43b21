import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditTrailActions, countRows, expectFields, newContact, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'
import { b64, PNG, pdf } from '../../helpers/files.js'

describe.each(engines)('documents on quotes (%s)', (engine) => {
  let app: TestApp
  let jane: string
  let quoteId: string
  let otherQuoteId: string

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
    jane = await newContact(app, { display_name: 'Jane Quotes' })
    const quote = () =>
      app.action('quote', 'create', { contact_id: jane, line_items: [{ description: 'Windows', unit_price_cents: 12_000 }] })
    quoteId = expectData(await quote()).id
    otherQuoteId = expectData(await quote()).id
  })
  afterAll(() => app.close())

  it('attaches a file to a quote and lists it by quote_id only', async () => {
    const doc = expectData(
      await app.action('document', 'upload', {
        quote_id: quoteId,
        name: 'Estimate with photos',
        category: 'estimate',
        content_base64: b64(pdf('quote estimate')),
      }),
    )
    expect(doc).toMatchObject({
      quote_id: quoteId,
      contact_id: null,
      ticket_id: null,
      invoice_id: null,
      name: 'Estimate with photos',
      category: 'estimate',
      content_type: 'application/pdf',
      version: 1,
    })
    const other = expectData(
      await app.action('document', 'upload', { quote_id: otherQuoteId, name: 'Gutter photo', content_base64: b64(PNG) }),
    )
    expect(expectData(await app.query({ type: 'documents', quote_id: quoteId })).items.map((d: any) => d.id)).toEqual([doc.id])
    expect(expectData(await app.query({ type: 'documents', quote_id: otherQuoteId })).items.map((d: any) => d.id)).toEqual([other.id])
    expect(expectData(await app.query({ type: 'documents', contact_id: jane })).items).toEqual([])
    const read = expectData(await app.query({ type: 'document_content', id: doc.id }))
    expect(Buffer.from(read.content_base64, 'base64').toString('latin1')).toContain('quote estimate')
    expect(await auditTrailActions(app, 'documents', doc.id)).toEqual(['create'])
  })

  it('refuses a second target, a missing quote and a bad quote_id, writing nothing', async () => {
    const before = [await countRows(app, 'documents'), await countRows(app, 'document_versions')]
    const upload = (data: Record<string, unknown>) => app.action('document', 'upload', { name: 'x', content_base64: b64(PNG), ...data })
    expectFields(await upload({ quote_id: quoteId, contact_id: jane }), ['data.contact_id', 'data.quote_id'])
    expectFields(await upload({ quote_id: 'not-a-uuid' }), ['data.quote_id'])
    const missing = await upload({ quote_id: '00000000-0000-4000-8000-000000000001' })
    expectError(missing, 404, 'NOT_FOUND')
    expect(missing.body.error.details.field).toBe('data.quote_id')
    expectFields(await app.query({ type: 'documents', quote_id: 'nope' }), ['quote_id'])
    expect([await countRows(app, 'documents'), await countRows(app, 'document_versions')]).toEqual(before)
  })

  it("refuses a technician a quote's files, to attach or to read", async () => {
    const tech = await addUser(app, 'tech@quotes.test', 'technician', 'Tom Tech')
    const owned = expectData(await app.action('document', 'upload', { quote_id: quoteId, name: 'Owner only', content_base64: b64(PNG) }))
    const t = await signedIn(app, tech)
    const before = await countRows(app, 'documents')
    expectError(await t.action('document', 'upload', { quote_id: quoteId, name: 'After', content_base64: b64(PNG) }), 403, 'FORBIDDEN')
    expectError(await t.query({ type: 'documents', quote_id: quoteId }), 403, 'FORBIDDEN')
    expectError(await t.query({ type: 'document_content', id: owned.id }), 403, 'FORBIDDEN')
    expect(expectData(await t.query({ type: 'documents' })).items).toEqual([])
    expect(await countRows(app, 'documents')).toBe(before)
  })
})
