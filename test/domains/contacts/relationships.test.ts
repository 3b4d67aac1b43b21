import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditEntries, countRows, newContactRecord, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('relationships between contacts (%s)', (engine) => {
  let app: TestApp
  const link = (data: Record<string, unknown>) => app.action('contact', 'link', data)
  const linksOf = async (id: string) => expectData(await app.query({ type: 'contacts', id, include: 'links' })).links
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('reads each type from both sides with its strength: employer and employee, parent company and subsidiary, partners', async () => {
    const holding = await newContactRecord(app, { kind: 'organization', display_name: 'Holding Co' })
    const branch = await newContactRecord(app, { kind: 'organization', display_name: 'Branch Co' })
    const ally = await newContactRecord(app, { kind: 'organization', display_name: 'Ally Co' })
    const eve = await newContactRecord(app, { display_name: 'Eve Staff' })
    const owned = expectData(
      await link({ contact_id: branch.id, to_contact_id: holding.id, link_type: 'parent_company', strength: 'strong' }),
    )
    expect(owned).toMatchObject({ contact_id: branch.id, to_contact_id: holding.id, link_type: 'parent_company', strength: 'strong' })
    expectData(await link({ contact_id: eve.id, to_contact_id: branch.id, link_type: 'works_at' }))
    expectData(await link({ contact_id: ally.id, to_contact_id: branch.id, link_type: 'partner', strength: 'weak' }))
    const seen = (links: any[]) => links.map((l) => [l.relation, l.display_name, l.strength])
    expect(seen(await linksOf(branch.id))).toEqual([
      ['parent_company', 'Holding Co', 'strong'],
      ['employee', 'Eve Staff', 'normal'],
      ['partner', 'Ally Co', 'weak'],
    ])
    expect(seen(await linksOf(holding.id))).toEqual([['subsidiary', 'Branch Co', 'strong']])
    expect(seen(await linksOf(eve.id))).toEqual([['employer', 'Branch Co', 'normal']])
    // A partner link goes both ways and is stored once.
    const reverse = expectData(await link({ contact_id: branch.id, to_contact_id: ally.id, link_type: 'partner' }))
    expect(reverse.contact_id).toBe(ally.id)
    expect(await countRows(app, 'contact_links', `link_type = 'partner'`)).toBe(1)
  })

  it('changes the strength when the same link is made again, auditing both contacts', async () => {
    const ref = await newContactRecord(app, { display_name: 'Rita Referrer' })
    const newbie = await newContactRecord(app, { display_name: 'Ned Newbie' })
    const first = expectData(await link({ contact_id: newbie.id, to_contact_id: ref.id, link_type: 'referred_by' }))
    expect(first.strength).toBe('normal')
    const again = expectData(await link({ contact_id: newbie.id, to_contact_id: ref.id, link_type: 'referred_by', strength: 'strong' }))
    expect(again).toMatchObject({ id: first.id, strength: 'strong' })
    expect((await linksOf(ref.id)).map((l: any) => [l.relation, l.strength])).toEqual([['referral', 'strong']])
    for (const id of [ref.id, newbie.id]) {
      const last = (await auditEntries(app, 'contact', id)).at(-1)
      expect(last.action).toBe('update_link')
      expect(last.changes.link.old.strength).toBe('normal')
      expect(last.changes.link.new.strength).toBe('strong')
    }
  })

  it('refuses links that cannot be, naming the field, and writes nothing', async () => {
    const org = await newContactRecord(app, { kind: 'organization', display_name: 'Rules Inc' })
    const other = await newContactRecord(app, { kind: 'organization', display_name: 'Other Inc' })
    const third = await newContactRecord(app, { kind: 'organization', display_name: 'Third Inc' })
    const sam = await newContactRecord(app, { display_name: 'Sam Rules' })
    const tom = await newContactRecord(app, { display_name: 'Tom Rules' })
    expectData(await link({ contact_id: org.id, to_contact_id: other.id, link_type: 'parent_company' }))
    expectData(await link({ contact_id: sam.id, to_contact_id: tom.id, link_type: 'referred_by' }))
    const before = await countRows(app, 'contact_links')
    expect(validationFieldsOf(await link({ contact_id: org.id, to_contact_id: sam.id, link_type: 'works_at' }))).toEqual([
      'data.contact_id',
      'data.to_contact_id',
    ])
    expect(validationFieldsOf(await link({ contact_id: sam.id, to_contact_id: tom.id, link_type: 'works_at' }))).toEqual([
      'data.to_contact_id',
    ])
    expect(validationFieldsOf(await link({ contact_id: sam.id, to_contact_id: org.id, link_type: 'parent_company' }))).toEqual([
      'data.contact_id',
    ])
    expect(validationFieldsOf(await link({ contact_id: sam.id, to_contact_id: sam.id, link_type: 'household' }))).toEqual([
      'data.to_contact_id',
    ])
    expect(
      validationFieldsOf(await link({ contact_id: sam.id, to_contact_id: tom.id, link_type: 'referred_by', strength: 'very' })),
    ).toEqual(['data.strength'])
    const loop = await link({ contact_id: tom.id, to_contact_id: sam.id, link_type: 'referred_by' })
    expectError(loop, 409, 'CONFLICT')
    expect(loop.body.error.details.field).toBe('data.to_contact_id')
    const circle = await link({ contact_id: other.id, to_contact_id: org.id, link_type: 'parent_company' })
    expectError(circle, 409, 'CONFLICT')
    const second = await link({ contact_id: org.id, to_contact_id: third.id, link_type: 'parent_company' })
    expectError(second, 409, 'CONFLICT')
    expect(second.body.error.message).toContain(other.id)
    expect(await countRows(app, 'contact_links')).toBe(before)
  })
})
