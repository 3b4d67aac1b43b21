import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../helpers/databases.js'
import { squareCsv, squareCustomers, squareItems, squareItemsCsv, squareSales, squareSalesCsv } from '../../core/demo/square-export.js'
import { buildIfStale, crm, inDatabase, migratedTarget, type CrmTarget } from './crm.js'

const CLI_TIMEOUT = 240_000

beforeAll(() => buildIfStale())

describe.each(engines)('crm import square-customers (%s)', (engine) => {
  let target: CrmTarget
  let tenant: string
  let file: string
  beforeAll(async () => {
    target = await migratedTarget(engine)
    const created = await crm(target, 'tenant', 'create', '--name', 'Sparkle Windows', '--owner-email', 'owner@sparkle.test', '--json')
    tenant = JSON.parse(created.stdout).tenant_id
    const rows = squareCustomers(120, 3)
    rows.push({ 'First Name': 'Broken', 'Email Address': 'nope', 'Square Customer ID': 'SQ-BROKEN' })
    file = join(mkdtempSync(join(tmpdir(), 'crm-import-')), 'customers.csv')
    writeFileSync(file, squareCsv(rows))
  }, CLI_TIMEOUT)
  afterAll(() => target?.dispose())

  const customers = () =>
    inDatabase(target, async (db) =>
      Number((await db.query<{ n: string }>('select count(*) as n from contacts where tenant_id = $1', [tenant])).rows[0].n),
    )

  it(
    'dry-runs, imports in batches with progress, and a second run creates nothing',
    async () => {
      const dry = await crm(target, 'import', 'square-customers', file, '--tenant', tenant, '--dry-run')
      expect(dry.stderr).toContain('checked 121 of 121 rows')
      expect(dry.code).toBe(0)
      expect(dry.stdout).toMatch(/121 customers; 120 would be created, 0 would be matched to existing customers, 1 would be refused/)
      expect(dry.stdout).toMatch(/line 122 refused: Broken: Email Address "nope" is not an email address/)
      expect(await customers()).toBe(0)

      const run = await crm(target, 'import', 'square-customers', file, '--tenant', tenant, '--batch-size', '50')
      expect(run.code).toBe(0)
      expect(run.stderr).toContain('imported 50 of 121 rows')
      expect(run.stdout).toMatch(/120 were created, 0 were matched to existing customers, 1 were refused/)
      expect(await customers()).toBe(120)

      const again = await crm(target, 'import', 'square-customers', file, '--tenant', tenant, '--json')
      expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, matched: 120, refused: 1 })
      expect(await customers()).toBe(120)
    },
    CLI_TIMEOUT,
  )

  it(
    'imports the item library and then the past visits, each with a dry run first; a second run creates nothing',
    async () => {
      const folder = mkdtempSync(join(tmpdir(), 'crm-import-'))
      const items = join(folder, 'items.csv')
      writeFileSync(items, squareItemsCsv(squareItems()))
      const sales = join(folder, 'sales.csv')
      const rows = squareSales(squareCustomers(120, 3).slice(0, 20), squareItems(), 2, 9)
      rows.push({
        Date: '2025-01-02',
        Time: '10:00:00',
        Item: 'Gutter Cleaning',
        Qty: '1',
        'Net Sales': '$150.00',
        'Transaction ID': 'TX-LOST',
        'Event Type': 'Payment',
        'Customer ID': 'SQ-UNKNOWN',
      })
      writeFileSync(sales, squareSalesCsv(rows))
      const transactions = new Set(rows.map((r) => r['Transaction ID'])).size
      const tickets = () =>
        inDatabase(target, async (db) =>
          Number(
            (await db.query<{ n: string }>('select count(*) as n from tickets where tenant_id = $1 and status = $2', [tenant, 'completed']))
              .rows[0].n,
          ),
        )

      const itemsRun = await crm(target, 'import', 'square-items', items, '--tenant', tenant)
      expect(itemsRun.code).toBe(0)
      expect(itemsRun.stdout).toMatch(/6 services; 6 were created/)

      const dry = await crm(target, 'import', 'square-sales', sales, '--tenant', tenant, '--dry-run')
      expect(dry.code).toBe(0)
      expect(dry.stderr).toContain(`checked ${transactions} of ${transactions} transactions`)
      expect(dry.stdout).toMatch(
        new RegExp(`${rows.length} sale rows; ${rows.length - 1} would be created, 0 would be matched .*, 1 would be refused`),
      )
      expect(dry.stdout).toMatch(
        new RegExp(`line ${rows.length + 1} refused: TX-LOST: Customer ID SQ-UNKNOWN is no customer imported from Square`),
      )
      expect(await tickets()).toBe(0)

      const run = await crm(target, 'import', 'square-sales', sales, '--tenant', tenant, '--batch-size', '10')
      expect(run.code).toBe(0)
      expect(run.stderr).toContain(`imported 10 of ${transactions} transactions`)
      expect(await tickets()).toBe(transactions - 1)

      const again = await crm(target, 'import', 'square-sales', sales, '--tenant', tenant, '--json')
      expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, matched: rows.length - 1, refused: 1 })
      expect(await tickets()).toBe(transactions - 1)
    },
    CLI_TIMEOUT,
  )

  it(
    'exports the imported customers as CSV, with filters',
    async () => {
      const all = await crm(target, 'export', 'contacts', '--tenant', tenant, '--include', 'addresses')
      expect(all.code).toBe(0)
      const rows = parse(all.stdout, { columns: true }) as Array<Record<string, string>>
      expect(rows).toHaveLength(120)
      expect(rows[0].source).toBe('square_import')
      expect(JSON.parse(rows[0].addresses)[0].city).toBeTruthy()
      const bad = await crm(target, 'export', 'contacts', '--tenant', tenant, '--filter', 'colour')
      expect(bad.code).toBe(2)
    },
    CLI_TIMEOUT,
  )

  it(
    'says what is wrong with a missing file or business, in one line',
    async () => {
      const missing = await crm(target, 'import', 'square-customers', '/nonexistent.csv', '--tenant', tenant)
      expect(missing.code).toBe(1)
      expect(missing.stderr).toMatch(/nonexistent\.csv/)
      const unknown = await crm(target, 'import', 'square-customers', file, '--tenant', '00000000-0000-4000-8000-000000000000')
      expect(unknown.code).toBe(1)
      expect(unknown.stderr).toMatch(new RegExp(`No business with id 00000000-0000-4000-8000-000000000000 in .+; it holds ${tenant}`))
    },
    CLI_TIMEOUT,
  )
})
