import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { b64, JPEG, pdf, PNG } from '../helpers/files.js'
import { hiddenFields, type PageClient } from '../helpers/technician-fixture.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.each(engines)('files and photos on the pages (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  let tech: PageClient
  let rita: string
  let techId: string
  const ok = okOf(() => app)
  const files = async (params: Record<string, string>) => (await app.query({ type: 'documents', ...params })).body.data.items

  /** Posts a page's form with a file, as a browser posts a form with enctype="multipart/form-data". */
  async function upload(
    client: PageClient,
    page: string,
    action: string,
    file: { bytes: Buffer; name: string; type: string } | null,
    fields: Array<[string, string]> = [],
  ) {
    const body = new FormData()
    for (const [k, v] of [...hiddenFields(page, action), ...fields]) body.append(k, v)
    body.append('file', file ? new Blob([file.bytes], { type: file.type }) : new Blob([]), file?.name ?? '')
    const res = await fetch(app.url + action, {
      method: 'POST',
      body,
      redirect: 'manual',
      headers: { cookie: `crm_session=${client.cookie}` },
    })
    return { status: res.status, html: await res.text(), location: res.headers.get('location') }
  }

  beforeAll(async () => {
    ;({ app, owner, tech, techId } = await startPageApp(
      engine,
      { now: () => NOW, integrations: { stripe: null } },
      { technician: 'signed-in' },
    ))
    rita = (await ok('contact', 'create', { display_name: 'Rita Rivers' })).id
  })
  afterAll(async () => {
    await app?.close()
  })

  it('uploads a photo and a contract from the customer page; the page shows a thumbnail and download links that give the bytes back', async () => {
    const page = (await owner.get(`/customers/${rita}`)).html
    expect(page).toContain('Files and photos')
    const photo = await upload(
      owner,
      page,
      `/customers/${rita}/documents`,
      { bytes: PNG, name: 'C:\\fakepath\\porch.png', type: 'image/png' },
      [['tags', 'front, before']],
    )
    expect(photo.status, photo.html).toBe(303)
    expect(photo.location).toBe(`/customers/${rita}?done=uploaded#files`)
    const contract = await upload(
      owner,
      page,
      `/customers/${rita}/documents`,
      { bytes: pdf('signed'), name: 'contract.pdf', type: 'application/pdf' },
      [
        ['name', 'Signed contract'],
        ['category', 'contract'],
      ],
    )
    expect(contract.status).toBe(303)
    const [kept, shot] = await files({ contact_id: rita })
    expect(kept).toMatchObject({ name: 'Signed contract', category: 'contract', content_type: 'application/pdf', author_type: 'user' })
    expect(shot).toMatchObject({ name: 'porch', category: 'photo', content_type: 'image/png', tags: ['front', 'before'] })
    const shown = (await owner.get(`/customers/${rita}?done=uploaded`)).html
    expect(shown).toContain('File uploaded.')
    expect(shown).toContain(`<img src="/documents/${shot.id}/file?inline=1"`)
    expect(shown).not.toContain(`<img src="/documents/${kept.id}/file`)
    expect(shown).toContain(`href="/documents/${kept.id}/file"`)
    const image = await owner.get(`/documents/${shot.id}/file?inline=1`)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(image.headers.get('content-disposition')).toMatch(/^inline; filename="porch.png"/)
    const download = await fetch(`${app.url}/documents/${kept.id}/file`, { headers: { cookie: `crm_session=${owner.cookie}` } })
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="Signed contract.pdf"/)
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf('signed'))).toBe(true)
    const signedOut = await fetch(`${app.url}/documents/${kept.id}/file`, { redirect: 'manual' })
    expect([signedOut.status, signedOut.headers.get('content-type')]).toEqual([303, expect.not.stringContaining('pdf')])
  })

  it('says what was wrong with an upload, and keeps nothing', async () => {
    const page = (await owner.get(`/customers/${rita}`)).html
    const before = (await files({ contact_id: rita })).length
    const none = await upload(owner, page, `/customers/${rita}/documents`, null)
    expect(none.status).toBe(400)
    expect(none.html).toContain('file: choose a file')
    const lying = await upload(owner, page, `/customers/${rita}/documents`, {
      bytes: Buffer.from('MZ not a picture'),
      name: 'x.png',
      type: 'image/png',
    })
    expect(lying.status).toBe(400)
    expect(lying.html).toContain('file type: says image/png')
    const limit = app.services.config.documents.maxBytes
    app.services.config.documents.maxBytes = 1_000
    try {
      const big = await upload(owner, page, `/customers/${rita}/documents`, {
        bytes: Buffer.concat([JPEG, Buffer.alloc(5_000)]),
        name: 'big.jpg',
        type: 'image/jpeg',
      })
      expect(big.status).toBe(400)
      expect(big.html).toContain('larger than')
    } finally {
      app.services.config.documents.maxBytes = limit
    }
    expect((await files({ contact_id: rita })).length).toBe(before)
  })

  it("lists an invoice's files on its page with a form to add one", async () => {
    const invoice = await ok('invoice', 'create', {
      contact_id: rita,
      line_items: [{ description: 'Windows', unit_price_cents: 9_000, taxable: false }],
    })
    const page = (await owner.get(`/invoices/${invoice.id}`)).html
    expect(page).toContain('No files yet.')
    const sent = await upload(owner, page, `/invoices/${invoice.id}/documents`, {
      bytes: pdf('estimate'),
      name: 'estimate.pdf',
      type: 'application/pdf',
    })
    expect(sent.location).toBe(`/invoices/${invoice.id}?done=uploaded#files`)
    expect((await owner.get(`/invoices/${invoice.id}`)).html).toContain('estimate</a>')
  })

  it("lists a quote's files on its page with a form to add one; a bad upload says why and keeps nothing", async () => {
    const quote = await ok('quote', 'create', { contact_id: rita, line_items: [{ description: 'Skylight', unit_price_cents: 9_000 }] })
    const page = (await owner.get(`/quotes/${quote.id}`)).html
    expect(page).toContain('<h2 id="files">Files</h2>')
    expect(page).toContain('No files yet.')
    const none = await upload(owner, page, `/quotes/${quote.id}/documents`, null)
    expect(none.status).toBe(400)
    expect(none.html).toContain('Nothing was saved.')
    expect(await files({ quote_id: quote.id })).toEqual([])
    const sent = await upload(
      owner,
      page,
      `/quotes/${quote.id}/documents`,
      { bytes: pdf('skylight sketch'), name: 'skylight sketch.pdf', type: 'application/pdf' },
      [['category', 'estimate']],
    )
    expect(sent.location).toBe(`/quotes/${quote.id}?done=uploaded#files`)
    const [kept] = await files({ quote_id: quote.id })
    expect(kept).toMatchObject({ quote_id: quote.id, name: 'skylight sketch', category: 'estimate', content_type: 'application/pdf' })
    const shown = (await owner.get(`/quotes/${quote.id}?done=uploaded`)).html
    expect(shown).toContain('File uploaded.')
    expect(shown).toContain(`href="/documents/${kept.id}/file"`)
    expect(shown).not.toContain('No files yet.')
    const download = await fetch(`${app.url}/documents/${kept.id}/file`, { headers: { cookie: `crm_session=${owner.cookie}` } })
    expect(Buffer.from(await download.arrayBuffer()).toString('latin1')).toContain('skylight sketch')
  })

  it("lets a technician add a photo to their own visit from its page and from the close-out, not to another's", async () => {
    const book = async (technicianIds: string[]) =>
      (
        await ok('ticket', 'create', {
          contact_id: rita,
          scheduled_start: '2026-11-05T16:00:00Z',
          duration_minutes: 60,
          technician_ids: technicianIds,
          line_items: [{ description: 'Windows', unit_price_cents: 9_000 }],
        })
      ).id
    const mine = await book([techId])
    const theirs = await book([])
    const page = (await tech.get(`/tickets/${mine}`)).html
    expect(page).toContain('Add photo')
    const added = await upload(tech, page, `/tickets/${mine}/photos`, { bytes: JPEG, name: 'IMG_0001.JPG', type: 'image/jpeg' })
    expect(added.status, added.html).toBe(303)
    expect(added.location).toBe(`/tickets/${mine}?photo=added`)
    const [photo] = await files({ ticket_id: mine })
    expect(photo).toMatchObject({ name: 'IMG_0001', category: 'photo', author_id: techId })
    expect((await tech.get(`/tickets/${mine}?photo=added`)).html).toContain('Photo added.')
    expect((await tech.get(`/documents/${photo.id}/file?inline=1`)).status).toBe(200)

    const step = await tech.get(`/tickets/${mine}/closeout`)
    const closeout = (await tech.get(step.location as string)).html
    expect(closeout).toContain('data-closeout')
    const fromCloseout = await upload(tech, closeout, `/tickets/${mine}/photos`, { bytes: PNG, name: 'after.png', type: 'image/png' })
    expect(fromCloseout.location).toBe(`${step.location}?photo=added`)
    expect((await files({ ticket_id: mine })).length).toBe(2)

    const ownerPage = (await owner.get(`/tickets/${theirs}`)).html
    const refused = await upload(
      tech,
      ownerPage.replace(/name="_csrf" value="[^"]*"/, `name="_csrf" value="${hiddenFields(page, `/tickets/${mine}/photos`)[0][1]}"`),
      `/tickets/${theirs}/photos`,
      { bytes: JPEG, name: 'x.jpg', type: 'image/jpeg' },
    )
    expect(refused.status).toBe(403)
    const ownerPhoto = await ok('document', 'upload', { ticket_id: theirs, name: 'Theirs', content_base64: b64(PNG) })
    expect((await tech.get(`/documents/${ownerPhoto.id}/file`)).status).toBe(403)
    expect(await files({ ticket_id: theirs })).toHaveLength(1)
  })
})
