import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { newContact, letters } from '../../helpers/fixtures.js'

const why = 'Marking the customers on the spring route'

describe.each(engines)('tagging many customers at once (%s)', (engine) => {
  let app: TestApp
  let ids: string[]
  beforeAll(async () => {
    app = await startTestApp(engine)
    ids = []
    for (let i = 0; i < 6; i++) ids.push(await newContact(app, { display_name: `Route customer ${letters(i)}` }))
  })
  afterAll(() => app.close())

  const tagsOf = async (id: string) => expectData(await app.query({ type: 'contacts', id })).tags

  it('tags up to five customers for an agent at once, and audits each change', async () => {
    const done = expectData(await app.action('contact', 'tag', { contact_ids: ids.slice(0, 5), tags_add: ['Spring'] }))
    expect(done.changed).toBe(5)
    expect(await tagsOf(ids[0])).toEqual(['spring'])
    const again = expectData(await app.action('contact', 'tag', { contact_ids: ids.slice(0, 5), tags_add: ['spring'] }))
    expect(again.changed).toBe(0)
    const trail = expectData(await app.query({ type: 'contacts', id: ids[0], include: 'audit_trail' })).audit_trail
    expect(trail.at(-1).changes.tags).toEqual({ old: [], new: ['spring'] })
  })

  it('waits for the owner when an agent names more than five customers, and shows the rule in capabilities', async () => {
    const queued = await app.action('contact', 'tag', { contact_ids: ids, tags_add: ['vip'] }, { reasoning: why })
    expect(queued.status).toBe(202)
    expect(queued.body.data.status).toBe('pending_authorization')
    expect(await tagsOf(ids[5])).toEqual([])
    const noWhy = await app.action('contact', 'tag', { contact_ids: ids, tags_add: ['vip'] })
    expectError(noWhy, 422, 'REASONING_REQUIRED')
    expect(noWhy.body.error.details).toMatchObject({ targets: 6, bulk_limit: 5 })
    const caps = expectData(await app.call('GET', '/api/capabilities'))
    const tag = caps.domains.contact.actions.find((a: any) => a.name === 'tag')
    expect(tag.bulk).toMatch(/more than 5/)
    expect(caps.domains.contact.actions.find((a: any) => a.name === 'update').bulk).toBeUndefined()
  })

  it('refuses an unknown customer or no tags, changing nobody', async () => {
    const missing = await app.action('contact', 'tag', { contact_ids: [ids[0], '00000000-0000-4000-8000-000000000000'], tags_add: ['x'] })
    expectError(missing, 404, 'NOT_FOUND')
    expect(await tagsOf(ids[0])).toEqual(['spring'])
    expectError(await app.action('contact', 'tag', { contact_ids: [ids[0]] }), 400, 'VALIDATION_ERROR')
  })
})
