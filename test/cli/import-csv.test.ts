import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../helpers/databases.js'
import { buildIfStale, crm, inDatabase, migratedTarget, type CrmTarget } from './crm.js'

const CLI_TIMEOUT = 240_000

beforeAll(() => buildIfStale())

describe.each(engines)('crm import csv (%s)', (engine) => {
  let target: CrmTarget
  let tenant: string
  let file: string
  beforeAll(async () => {
    target = await migratedTarget(engine)
    const created = await crm(target, 'tenant', 'create', '--name', 'Sparkle Windows', '--owner-email', 'owner@sparkle.test', '--json')
    tenant = JSON.parse(created.stdout).tenant_id
    const rows = Array.from({ length: 60 }, (_, i) => [`C-${i}`, `Customer ${i}`, `customer${i}@example.test`, `${i % 3 ? 'weekly' : ''}`])
    rows.push(['C-BAD', 'Broken', 'nope', ''])
    file = join(mkdtempSync(join(tmpdir(), 'crm-import-csv-')), 'spreadsheet.csv')
    writeFileSync(file, stringify([['Client No', 'Client', 'Mail', 'Group'], ...rows]))
  }, CLI_TIMEOUT)
  afterAll(() => target?.dispose())

  const customers = () =>
    inDatabase(target, async (db) =>
      Number((await db.query<{ n: string }>('select count(*) as n from contacts where tenant_id = $1', [tenant])).rows[0].n),
    )
  const map = 'Client No=external_id,Client=name,Mail=email,Group=tags'

  it(
    'shows the proposed mapping in a dry run, then imports in batches with progress; a second run creates nothing',
    async () => {
      const proposed = await crm(target, 'import', 'csv', file, '--tenant', tenant, '--dry-run')
      expect(proposed.code).toBe(0)
      expect(proposed.stdout).toContain('mapping proposed from the headers')
      expect(proposed.stdout).toMatch(/ {2}Client -> name\n {2}Mail -> email\n {2}Group -> tags\n {2}Client No -> not imported/)

      const dry = await crm(target, 'import', 'csv', file, '--tenant', tenant, '--map', map, '--source', 'sheet', '--dry-run')
      expect(dry.code).toBe(0)
      expect(dry.stderr).toContain('checked 61 of 61 rows')
      expect(dry.stdout).toMatch(/61 customers; 60 would be created, 0 would be matched to existing customers, 1 would be refused/)
      expect(dry.stdout).toMatch(/line 62 refused: Broken: Mail "nope" is not an email address/)
      expect(await customers()).toBe(0)

      const run = await crm(target, 'import', 'csv', file, '--tenant', tenant, '--map', map, '--source', 'sheet', '--batch-size', '25')
      expect(run.code).toBe(0)
      expect(run.stderr).toContain('imported 25 of 61 rows')
      expect(run.stdout).toMatch(/60 were created, 0 were matched to existing customers, 1 were refused/)
      expect(await customers()).toBe(60)

      const again = await crm(target, 'import', 'csv', file, '--tenant', tenant, '--map', map, '--source', 'sheet', '--json')
      expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, matched: 60, refused: 1, source: 'sheet' })
      expect(await customers()).toBe(60)
    },
    CLI_TIMEOUT,
  )

  it(
    'names unknown fields and columns the file lacks',
    async () => {
      const unknown = await crm(target, 'import', 'csv', file, '--tenant', tenant, '--map', 'Client=fullname,Fax=phone', '--dry-run')
      expect(unknown.code).toBe(1)
      expect(unknown.stderr).toMatch(/--map\.Client: "fullname" is not a field/)
      expect(unknown.stderr).toMatch(/--map: names columns the file's header row lacks: "Fax"/)
      const garbled = await crm(target, 'import', 'csv', file, '--tenant', tenant, '--map', 'Client', '--dry-run')
      expect(garbled.code).toBe(1)
      expect(garbled.stderr).toMatch(/--map: takes Header=field pairs/)
    },
    CLI_TIMEOUT,
  )
})
