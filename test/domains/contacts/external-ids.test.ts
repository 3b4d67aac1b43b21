import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { squareCsv } from '../../../core/demo/square-export.js'
import { pageClient } from '../../helpers/technician-fixture.js'
import { signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

const SQUARE_ID = 'JDKYHBWT1D4F8MFH63DBMEN8Y4'

describe.each(engines)("a customer's ids in the systems the business moved from (%s)", (engine) => {
  let app: TestApp
  let nora: string
  let owen: string

  beforeAll(async () => {
    app = await startTestApp(engine)
    const file = squareCsv(
      [
        { 'First Name': 'Nora', 'Last Name': 'North', 'Email Address': 'nora@north.test', 'Square Customer ID': SQUARE_ID },
        {
          'First Name': 'Nils',
          'Last Name': 'North',
          'Email Address': 'nils@north.test',
          'Square Customer ID': 'QQ7ZZ2M4N5P6R8S9T0V1W2X3Y4',
        },
      ],
      [],
    )
    expect(expectData(await app.action('import', 'square_customers', { csv: file, dry_run: false })).created).toBe(2)
    const hubspot = 'Record ID,First Name,Last Name\n90210,Owen,Oak\n'
    expectData(
      await app.action('import', 'csv_customers', {
        csv: hubspot,
        source: 'hubspot',
        dry_run: false,
        mapping: { 'Record ID': 'external_id', 'First Name': 'first_name', 'Last Name': 'last_name' },
      }),
    )
    const ids = async (q: string) => expectData(await app.query({ type: 'contacts', q })).items.map((c: any) => c.id)
    ;[nora] = await ids('Nora North')
    ;[owen] = await ids('Owen Oak')
  })
  afterAll(() => app?.close())

  it('contacts include=external_ids shows each id with its source', async () => {
    const read = expectData(await app.query({ type: 'contacts', id: nora, include: 'external_ids' }))
    expect(read.external_ids).toEqual([{ source: 'square', external_id: SQUARE_ID, created_at: expect.any(String) }])
    const list = expectData(await app.query({ type: 'contacts', include: 'external_ids', q: 'Owen Oak' })).items
    expect(list.map((c: any) => c.external_ids)).toEqual([[{ source: 'hubspot', external_id: '90210', created_at: expect.any(String) }]])
  })

  it("contacts?q= and the universal search find a customer by a Square Customer ID or another import's id, exactly", async () => {
    const byQ = async (q: string) => expectData(await app.query({ type: 'contacts', q })).items.map((c: any) => c.id)
    expect(await byQ(SQUARE_ID)).toEqual([nora])
    expect(await byQ('90210')).toEqual([owen])
    expect(await byQ('JDKYHBWT1D4F8MFH63DBMEN8Y')).toEqual([])

    const search = expectData(await app.query({ type: 'search', q: SQUARE_ID }))
    expect(search.items[0]).toMatchObject({
      kind: 'contact',
      id: nora,
      label: 'Nora North',
      matched: 'external_id',
      score: 1,
      detail: `Square customer ID ${SQUARE_ID}`,
    })
    expect(search.items.filter((h: any) => h.kind === 'contact').map((h: any) => h.id)).toEqual([nora])
    const other = expectData(await app.query({ type: 'search', q: '90210', kinds: 'contact' }))
    expect(other.items.map((h: any) => [h.id, h.matched, h.detail])).toEqual([[owen, 'external_id', 'ID in hubspot 90210']])
  })

  it('the owner sees it on the customer page and finds the customer with it; a technician may not read it', async () => {
    const owner = await pageClient(app, 'owner@sparkle.test')
    const page = await owner.get(`/customers/${nora}`)
    expect(page.status).toBe(200)
    expect(page.html).toContain(`Square customer ID: ${SQUARE_ID}`)
    const list = await owner.get(`/customers?q=${SQUARE_ID}`)
    expect(list.html).toContain(`href="/customers/${nora}"`)
    const found = await owner.get(`/search?q=${SQUARE_ID}`)
    expect(found.html).toContain(`/customers/${nora}`)

    const tess = await signedIn(app, await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tech'))
    expectError(await tess.query({ type: 'contacts', include: 'external_ids' }), 403, 'FORBIDDEN')
  })
})
