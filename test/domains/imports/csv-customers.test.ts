import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { countRows, expectFields, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** A CSV file as a spreadsheet writes it: the header row, then the rows. */
const csvOf = (header: string[], rows: string[][]) => stringify([header, ...rows])

describe.each(engines)('importing customers from any CSV with a column mapping (%s)', (engine) => {
  let app: TestApp
  let owner: Awaited<ReturnType<typeof signedIn>>
  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await signedIn(app, app.tenant.owner_user_id)
  })
  afterAll(() => app.close())

  const header = [
    'Record ID',
    'Given',
    'Family',
    'E-mail',
    'Mobile',
    'Street',
    'Town',
    'St',
    'Zip',
    'Remarks',
    'Labels',
    'Gate',
    'Shoe size',
  ]
  const mapping = {
    'Record ID': 'external_id',
    Given: 'first_name',
    Family: 'last_name',
    'E-mail': 'email',
    Mobile: 'phone',
    Street: 'address_line1',
    Town: 'city',
    St: 'state',
    Zip: 'postal_code',
    Remarks: 'notes',
    Labels: 'tags',
    Gate: 'attribute:gate_code',
  }
  const file = csvOf(header, [
    [
      'HS-1',
      'Maria',
      'Lopez',
      'maria@lopez.test',
      '256-555-0301',
      '4 Elm St',
      'Madison',
      'AL',
      '35758',
      'Card 4111 1111 1111 1111 on file',
      'VIP; Weekly',
      '9911',
      '8',
    ],
    ['HS-2', 'Ben', '', 'not-an-email', '', '', '', '', '', '', '', '', ''],
    ['HS-3', '', '', '', '', '', '', '', '', '', '', '', ''],
    ['HS-4', 'Mary', 'Lopez', 'MARIA@lopez.test', '', '9 Pine Rd', 'Madison', '', '', '', 'gutters', '', ''],
    ['HS-5', 'Tom', 'Reed', '', '(256) 555-0302', '', '', '', '', '', '', '', ''],
  ])

  it('a dry run says row by row what would be created, matched and refused, with line numbers, and writes nothing', async () => {
    const before = { contacts: await countRows(app, 'contacts'), audit: await countRows(app, 'audit_log') }
    const report = expectData(await owner.action('import', 'csv_customers', { csv: file, mapping, source: 'hubspot' }))
    expect(report).toMatchObject({
      dry_run: true,
      total: 5,
      created: 2,
      matched: 1,
      refused: 2,
      source: 'hubspot',
      mapping_proposed: false,
      ignored_columns: ['Shoe size'],
    })
    expect(report.rows.map((r: any) => [r.line, r.outcome])).toEqual([
      [2, 'created'],
      [3, 'refused'],
      [4, 'refused'],
      [5, 'matched'],
      [6, 'created'],
    ])
    expect(report.rows[1].reason).toBe('E-mail "not-an-email" is not an email address')
    expect(report.rows[2].reason).toMatch(/no name, company, email or phone/)
    expect(report.rows[3]).toMatchObject({ name: 'Mary Lopez', matched_by: 'email', contact_id: report.rows[0].contact_id })
    expect(report.rows[3].warnings).toEqual([expect.stringMatching(/address not kept/)])
    expect({ contacts: await countRows(app, 'contacts'), audit: await countRows(app, 'audit_log') }).toEqual(before)
  })

  it('imports through the mapping (notes redacted, tags, attributes, source), and the same file again creates nothing', async () => {
    const report = expectData(await owner.action('import', 'csv_customers', { csv: file, mapping, source: 'hubspot', dry_run: false }))
    expect(report).toMatchObject({ created: 2, matched: 1, refused: 2 })
    const maria = expectData(await app.query({ type: 'contacts', id: report.rows[0].contact_id, include: 'addresses,attributes,notes' }))
    expect(maria).toMatchObject({ display_name: 'Maria Lopez', email: 'maria@lopez.test', phone: '256-555-0301', source: 'hubspot_import' })
    expect(maria.tags).toEqual(['vip', 'weekly', 'gutters'])
    expect(maria.addresses).toHaveLength(1)
    expect(maria.addresses[0]).toMatchObject({ line1: '4 Elm St', city: 'Madison', state: 'AL', postal_code: '35758' })
    expect(maria.attributes.map((a: any) => [a.key, a.value])).toEqual([['gate_code', '9911']])
    expect(maria.notes[0].content).toContain('[REDACTED]')
    expect(maria.notes[0].content).not.toContain('4111')
    const ids = await app.t.admin.query(
      'select source, external_id from contact_external_ids where tenant_id = $1 and contact_id = $2 order by external_id',
      [app.tenant.tenant_id, maria.id],
    )
    expect(ids.rows).toEqual([
      { source: 'hubspot', external_id: 'HS-1' },
      { source: 'hubspot', external_id: 'HS-4' },
    ])

    const counts = {
      contacts: await countRows(app, 'contacts'),
      notes: await countRows(app, 'notes'),
      addresses: await countRows(app, 'addresses'),
      attributes: await countRows(app, 'attributes'),
    }
    const again = expectData(await owner.action('import', 'csv_customers', { csv: file, mapping, source: 'hubspot', dry_run: false }))
    expect(again).toMatchObject({ created: 0, matched: 3, refused: 2 })
    expect(again.rows.filter((r: any) => r.outcome === 'matched').map((r: any) => r.matched_by)).toEqual([
      'external_id',
      'external_id',
      'external_id',
    ])
    expect({
      contacts: await countRows(app, 'contacts'),
      notes: await countRows(app, 'notes'),
      addresses: await countRows(app, 'addresses'),
      attributes: await countRows(app, 'attributes'),
    }).toEqual(counts)
  })

  it('proposes a mapping from well-known headers when none is given, and a file without ids imports once', async () => {
    const plain = csvOf(
      ['Name', 'Email Address', 'Phone Number', 'Company', 'Favourite colour'],
      [
        ['Ola Nordmann', '', '', 'Fjord Inc', 'blue'],
        ['', '', '', 'Hillside Dental', ''],
      ],
    )
    const dry = expectData(await owner.action('import', 'csv_customers', { csv: plain }))
    expect(dry).toMatchObject({
      mapping_proposed: true,
      source: 'csv',
      created: 2,
      ignored_columns: ['Favourite colour'],
      mapping: { Name: 'name', 'Email Address': 'email', 'Phone Number': 'phone', Company: 'company' },
    })
    const run = expectData(await owner.action('import', 'csv_customers', { csv: plain, dry_run: false }))
    expect(run).toMatchObject({ created: 2, matched: 0 })
    const dental = expectData(await app.query({ type: 'contacts', id: run.rows[1].contact_id }))
    expect(dental).toMatchObject({ kind: 'organization', display_name: 'Hillside Dental' })
    const ola = expectData(await app.query({ type: 'contacts', id: run.rows[0].contact_id, include: 'attributes' }))
    expect(ola.attributes.map((a: any) => [a.key, a.value])).toEqual([['company_name', 'Fjord Inc']])
    // Neither row has an id, email or phone: each is recognised again by its own values.
    const again = expectData(await owner.action('import', 'csv_customers', { csv: plain, dry_run: false }))
    expect(again).toMatchObject({ created: 0, matched: 2 })
    expect(again.rows[0]).toMatchObject({ matched_by: 'external_id', contact_id: ola.id })
  })

  it('refuses unknown fields and columns the file lacks, naming them, and writes nothing', async () => {
    const before = await countRows(app, 'contacts')
    const unknown = await owner.action('import', 'csv_customers', {
      csv: file,
      mapping: { Given: 'first_name', Mobile: 'cellphone', Gate: 'attribute:Gate Code' },
    })
    expectFields(unknown, ['data.mapping.Mobile', 'data.mapping.Gate'])
    expect(unknown.body.error.message).toMatch(/"cellphone" is not a field/)
    const missing = await owner.action('import', 'csv_customers', {
      csv: file,
      mapping: { Given: 'first_name', Phone: 'phone', Fax: 'attribute:fax' },
    })
    expectFields(missing, ['data.mapping'])
    expect(missing.body.error.message).toMatch(/lacks: "Phone", "Fax"/)
    const twice = await owner.action('import', 'csv_customers', { csv: file, mapping: { Given: 'name', Family: 'name' } })
    expect(twice.body.error.message).toMatch(/"name" is already filled by column "Given"/)
    const nothing = await owner.action('import', 'csv_customers', { csv: csvOf(['Colour', 'Size'], [['red', '8']]) })
    expectFields(nothing, ['data.mapping'])
    expect(nothing.body.error.message).toMatch(/no column header is a well-known name.*"Colour", "Size"/)
    expectError(await owner.action('import', 'csv_customers', { csv: file, mapping, source: 'Hub Spot' }), 400, 'VALIDATION_ERROR')
    expect(await countRows(app, 'contacts')).toBe(before)
  })

  it("waits for the owner when an agent runs it, answers an agent's dry run at once, and is not a technician's", async () => {
    const dry = await app.action('import', 'csv_customers', { csv: file, mapping }, { reasoning: 'What would the HubSpot file bring in?' })
    expect(dry.status).toBe(200)
    expect(dry.body.data.dry_run).toBe(true)
    const six = csvOf(
      header,
      Array.from({ length: 6 }, (_, i) => [`HS-A${i}`, `Agent${i}`, 'Row', `agent${i}@rows.test`, '', '', '', '', '', '', '', '', '']),
    )
    const few = await app.action(
      'import',
      'csv_customers',
      { csv: csvOf(header, [['HS-A9', 'Few', 'Rows', 'few@rows.test', '', '', '', '', '', '', '', '', '']]), mapping, dry_run: false },
      { reasoning: 'One customer the owner gave me' },
    )
    expect(few.status).toBe(200)
    expect(few.body.data.created).toBe(1)
    const queued = await app.action(
      'import',
      'csv_customers',
      { csv: six, mapping, dry_run: false },
      { reasoning: 'The owner asked me to bring in the HubSpot customers' },
    )
    expect(queued.status).toBe(202)
    expect(queued.body.data.status).toBe('pending_authorization')
    const technician = await signedIn(app, await addUser(app, 'tech@csv.test', 'technician', 'Tess'))
    expectError(await technician.action('import', 'csv_customers', { csv: file, mapping }), 403, 'FORBIDDEN')
  })
})
