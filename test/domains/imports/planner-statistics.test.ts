import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANALYZE_AFTER_ROWS } from '../../../core/db/planner-statistics.js'
import { squareCsv, squareCustomers } from '../../../core/demo/square-export.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { countRows, plannedRows, signedIn } from '../../helpers/fixtures.js'

// The embedded engine only: it runs without autovacuum, so an import is what brings its statistics up to date.

describe('an import on the embedded engine leaves the planner knowing the rows it brought in', () => {
  let app: TestApp
  let owner: Awaited<ReturnType<typeof signedIn>>
  beforeAll(async () => {
    app = await startTestApp('pglite')
    owner = await signedIn(app, app.tenant.owner_user_id)
  })
  afterAll(() => app.close())

  // One generation, split: the customers of the two files are all different people.
  const customers = squareCustomers(ANALYZE_AFTER_ROWS + 240, 3)
  const few = squareCsv(customers.slice(0, ANALYZE_AFTER_ROWS))
  const file = squareCsv(customers.slice(ANALYZE_AFTER_ROWS))

  it('a dry run and a run of a few rows analyze nothing; a larger run has every table analyzed once it committed', async () => {
    const before = await plannedRows(app, 'contacts')
    expect(expectData(await owner.action('import', 'square_customers', { csv: file })).dry_run).toBe(true)
    expect(await plannedRows(app, 'contacts')).toBe(before)
    expect(expectData(await owner.action('import', 'square_customers', { csv: few, dry_run: false }))).toMatchObject({
      created: ANALYZE_AFTER_ROWS,
    })
    expect(await plannedRows(app, 'contacts')).toBe(before)

    const report = expectData(await owner.action('import', 'square_customers', { csv: file, dry_run: false }))
    expect(report).toMatchObject({ dry_run: false, created: 240 })
    expect(await countRows(app, 'contacts')).toBe(240 + ANALYZE_AFTER_ROWS)
    const all = await app.t.admin.query<{ contacts: number; addresses: number }>(
      'select (select count(*) from contacts)::int as contacts, (select count(*) from addresses)::int as addresses',
    )
    expect(await plannedRows(app, 'contacts')).toBe(all.rows[0].contacts)
    expect(await plannedRows(app, 'addresses')).toBe(all.rows[0].addresses)
  })
})
