import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { squareItems, squareItemsCsv } from '../../../core/demo/square-export.js'
import { countRows, signedIn } from '../../helpers/fixtures.js'

describe.each(engines)('moving the item library in from Square (%s)', (engine) => {
  let app: TestApp
  let owner: Awaited<ReturnType<typeof signedIn>>
  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await signedIn(app, app.tenant.owner_user_id)
  })
  afterAll(() => app.close())

  const file = squareItemsCsv([
    ...squareItems().map((i) => (i.Token === 'SQVAR-SCR' ? { ...i, Description: 'Card on file 4111 1111 1111 1111' } : i)),
    { Token: 'SQVAR-BAD', 'Item Name': 'Skylight Cleaning', 'Variation Name': 'Regular', Price: 'ten dollars' },
    { Token: 'SQVAR-OLD', 'Item Name': 'Storm Window Install', 'Variation Name': 'Regular', Price: '90.00', Archived: 'Y' },
    { Token: 'SQVAR-NONAME', 'Item Name': '', 'Variation Name': 'Large', Price: '10.00' },
  ])
  const services = async () =>
    Object.fromEntries(
      (
        await app.t.admin.query<{ name: string; pricing: string; price_cents: number | null; taxable: boolean }>(
          'select name, pricing, price_cents, taxable from services where tenant_id = $1',
          [app.tenant.tenant_id],
        )
      ).rows.map((s) => [s.name, s]),
    )

  it('a dry run says row by row what would be created and refused, with line numbers, and writes nothing', async () => {
    const before = await countRows(app, 'services')
    const report = expectData(await app.action('import', 'square_items', { csv: file }))
    expect(report).toMatchObject({ dry_run: true, total: 9, created: 6, matched: 0, refused: 3 })
    expect(report.rows.map((r: any) => [r.line, r.outcome])).toEqual([
      [2, 'created'],
      [3, 'created'],
      [4, 'created'],
      [5, 'created'],
      [6, 'created'],
      [7, 'created'],
      [8, 'refused'],
      [9, 'refused'],
      [10, 'refused'],
    ])
    expect(report.rows[6].reason).toMatch(/Price "ten dollars" is not an amount/)
    expect(report.rows[7].reason).toMatch(/archived in Square/)
    expect(report.rows[8].reason).toMatch(/no Item Name/)
    expect(await countRows(app, 'services')).toBe(before)
  })

  it('imports each variation as a service with its price in cents; the same file again creates nothing', async () => {
    const here = expectData(await owner.action('service', 'create', { name: 'gutter cleaning', pricing: 'fixed', price_cents: 14000 }))
    const report = expectData(await owner.action('import', 'square_items', { csv: file, dry_run: false }))
    expect(report).toMatchObject({ created: 5, matched: 1, refused: 3 })
    expect(report.rows[2]).toMatchObject({ outcome: 'matched', matched_by: 'name', service_id: here.id })
    const all = await services()
    expect(all['Window Cleaning (One Story)']).toMatchObject({ pricing: 'fixed', price_cents: 18500, taxable: false })
    expect(all['Window Cleaning (Two Story)']).toMatchObject({ pricing: 'fixed', price_cents: 26500 })
    expect(all['gutter cleaning']).toMatchObject({ price_cents: 14000 })
    expect(all['Pressure Washing']).toMatchObject({ pricing: 'flexible', price_cents: null })
    const repair = await app.t.admin.query<{ description: string }>('select description from services where name = $1', ['Screen Repair'])
    expect(repair.rows[0].description).toBe('Card on file [REDACTED]')
    expect(all['Squeegee Kit']).toMatchObject({ pricing: 'product', price_cents: 2499, taxable: true })
    expect(Object.keys(all)).not.toContain('Skylight Cleaning')

    const count = await countRows(app, 'services')
    const again = expectData(await owner.action('import', 'square_items', { csv: file, dry_run: false }))
    expect(again).toMatchObject({ created: 0, matched: 6, refused: 3 })
    expect(again.rows[0]).toMatchObject({ matched_by: 'square_token', service_id: report.rows[0].service_id })
    expect(await countRows(app, 'services')).toBe(count)
  })

  it('waits for the owner when an agent imports more than five rows for real', async () => {
    const queued = await app.action(
      'import',
      'square_items',
      { csv: file, dry_run: false },
      { reasoning: 'The owner asked for the price list' },
    )
    expect(queued.status).toBe(202)
    expect(queued.body.data.status).toBe('pending_authorization')
  })

  it("refuses a file that is not Square's item library, naming what is missing", async () => {
    const res = await app.action('import', 'square_items', { csv: 'name,price\nGutters,150\n' })
    expectError(res, 400, 'VALIDATION_ERROR')
    expect(res.body.error.message).toMatch(/not Square's item library export.*Item Name/)
  })
})
