import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { squareCsv, squareCustomers, type SquareRow } from '../../../core/demo/square-export.js'
import { countRows, signedIn } from '../../helpers/fixtures.js'

const why = 'The owner asked me to bring in the customers from Square'

describe.each(engines)('moving customers in from Square (%s)', (engine) => {
  let app: TestApp
  let owner: Awaited<ReturnType<typeof signedIn>>
  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await signedIn(app, app.tenant.owner_user_id)
  })
  afterAll(() => app.close())

  const rows: SquareRow[] = [
    {
      'First Name': 'Jane',
      'Last Name': 'Holloway',
      'Email Address': 'jane@holloway.test',
      'Phone Number': '(256) 555-0101',
      'Street Address 1': '12 Oak Ridge Dr',
      City: 'Madison',
      State: 'AL',
      'Postal Code': '35758',
      Birthday: '1951-04-02',
      Memo: 'Paid with card 4111 1111 1111 1111 once.\nLikes the side gate, "please" close it',
      'Square Customer ID': 'SQ-JANE',
      'Lifetime Spend': '$1,234.50',
      'Transaction Count': '9',
      'Gate Code': '4821',
    },
    { 'Company Name': 'Hillside Dental', 'Email Address': 'office@hillside.test', 'Square Customer ID': 'SQ-DENTAL' },
    { 'First Name': 'Nobody', 'Email Address': 'not-an-address', 'Square Customer ID': 'SQ-BAD' },
    { 'Square Customer ID': 'SQ-EMPTY' },
    { 'First Name': 'Janet', 'Last Name': 'Holloway', 'Email Address': 'JANE@holloway.test', 'Square Customer ID': 'SQ-JANET' },
    {
      'First Name': 'Long',
      'Last Name': 'Street',
      'Street Address 1': 'x'.repeat(250),
      City: 'Madison',
      State: 'AL',
      'Postal Code': '35758',
      'Square Customer ID': 'SQ-LONG',
    },
    { 'First Name': 'After', 'Last Name': 'Long', 'Square Customer ID': 'SQ-AFTER' },
  ]
  const file = squareCsv(rows, ['Gate Code']).replace('\r\n', '\r\n\r\n')

  it('a dry run says row by row what would be created, matched and refused, with line numbers, and writes nothing', async () => {
    const before = await countRows(app, 'contacts')
    const audit = await countRows(app, 'audit_log')
    const report = expectData(await app.action('import', 'square_customers', { csv: file }))
    expect(report).toMatchObject({ dry_run: true, total: 7, created: 3, matched: 1, refused: 3 })
    expect(report.rows.map((r: any) => [r.line, r.outcome])).toEqual([
      [3, 'created'],
      [5, 'created'],
      [6, 'refused'],
      [7, 'refused'],
      [8, 'matched'],
      [9, 'refused'],
      [10, 'created'],
    ])
    expect(report.rows[5].reason).toMatch(/line1/)
    expect(report.rows[2].reason).toMatch(/Email Address "not-an-address"/)
    expect(report.rows[3].reason).toMatch(/no name, company, email or phone/)
    expect(report.rows[4]).toMatchObject({ name: 'Janet Holloway', matched_by: 'email', contact_id: report.rows[0].contact_id })
    expect(await countRows(app, 'contacts')).toBe(before)
    expect(await countRows(app, 'audit_log')).toBe(audit)
  })

  it('imports customers with addresses, facts and memos (card numbers redacted); the same file again creates nothing', async () => {
    const report = expectData(await owner.action('import', 'square_customers', { csv: file, dry_run: false }))
    expect(report).toMatchObject({ dry_run: false, created: 3, matched: 1, refused: 3 })
    const named = async (name: string) => (await app.t.admin.query('select id from contacts where display_name = $1', [name])).rows.length
    expect([await named('Long Street'), await named('After Long')]).toEqual([0, 1])
    const jane = expectData(await app.query({ type: 'contacts', id: report.rows[0].contact_id, include: 'addresses,attributes,notes' }))
    expect(jane).toMatchObject({ display_name: 'Jane Holloway', email: 'jane@holloway.test', source: 'square_import' })
    expect(jane.addresses[0]).toMatchObject({ line1: '12 Oak Ridge Dr', city: 'Madison', postal_code: '35758' })
    const facts = Object.fromEntries(jane.attributes.map((a: any) => [a.key, a.value]))
    expect(facts).toMatchObject({
      birthday: '1951-04-02',
      gate_code: '4821',
      square_profile: { lifetime_spend_cents: 123450, transaction_count: 9 },
    })
    expect(jane.attributes[0].source).toBe('import')
    expect(jane.notes[0].content).toContain('[REDACTED]')
    expect(jane.notes[0].content).not.toContain('4111')
    expect(jane.notes[0].content).toContain('"please" close it')
    // Search entries are rebuilt once per chunk, after the addresses and facts: the name, the street and a fact all find her.
    for (const q of ['Holloway', 'Oak Ridge', 'gate code 4821']) {
      const found = expectData(await app.query({ type: 'search', q, kinds: 'contact' }))
      expect(
        found.items.map((c: any) => c.id),
        q,
      ).toContain(report.rows[0].contact_id)
    }
    const dental = expectData(await app.query({ type: 'contacts', id: report.rows[1].contact_id }))
    expect(dental).toMatchObject({ kind: 'organization', display_name: 'Hillside Dental' })

    const counts = {
      contacts: await countRows(app, 'contacts'),
      notes: await countRows(app, 'notes'),
      addresses: await countRows(app, 'addresses'),
    }
    const again = expectData(await owner.action('import', 'square_customers', { csv: file, dry_run: false }))
    expect(again).toMatchObject({ created: 0, matched: 4, refused: 3 })
    expect(again.rows[0]).toMatchObject({ matched_by: 'square_customer_id', contact_id: report.rows[0].contact_id })
    expect({
      contacts: await countRows(app, 'contacts'),
      notes: await countRows(app, 'notes'),
      addresses: await countRows(app, 'addresses'),
    }).toEqual(counts)
  })

  it('matches customers already here by email or phone and fills in only what they lack', async () => {
    const here = expectData(await app.action('contact', 'create', { display_name: 'Ray Ortiz', phone: '256-555-0199' }))
    const report = expectData(
      await owner.action('import', 'square_customers', {
        csv: squareCsv([
          {
            'First Name': 'Raymond',
            'Last Name': 'Ortiz',
            'Phone Number': '+1 (256) 555-0199',
            'Email Address': 'ray@ortiz.test',
            'Square Customer ID': 'SQ-RAY',
          },
        ]),
        dry_run: false,
      }),
    )
    expect(report.rows[0]).toMatchObject({ outcome: 'matched', matched_by: 'phone', contact_id: here.id })
    expect(expectData(await app.query({ type: 'contacts', id: here.id }))).toMatchObject({
      display_name: 'Ray Ortiz',
      email: 'ray@ortiz.test',
    })
  })

  it('waits for the owner when an agent imports more than five rows for real; a dry run of any size does not', async () => {
    const many = squareCsv(squareCustomers(6, 7))
    expectData(await app.action('import', 'square_customers', { csv: many }))
    const queued = await app.action('import', 'square_customers', { csv: many, dry_run: false }, { reasoning: why })
    expect(queued.status).toBe(202)
    expect(queued.body.data.status).toBe('pending_authorization')
  })

  it("refuses a file that is not Square's customer export, naming what is missing", async () => {
    const res = await app.action('import', 'square_customers', { csv: 'name,phone\nJane,555\n' })
    expectError(res, 400, 'VALIDATION_ERROR')
    expect(res.body.error.message).toMatch(/not a Square customer export.*Square Customer ID/)
  })
})
