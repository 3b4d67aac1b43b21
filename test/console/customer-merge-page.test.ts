import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)('the owner\'s "Merge two customers" page (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  const contact = async (name: string, email: string) =>
    (await app.action('contact', 'create', { display_name: name, email })).body.data.id as string
  // The page's search is a GET form to the same address: the merge form is the POST one.
  const mergeForm = (html: string) => html.slice(html.indexOf('<form method="post"'))
  const merged = async (id: string) => (await app.query({ type: 'contacts', id })).body.data.merged_into

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
    owner = await pageClient(app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('finds both records, merges the duplicate into the one kept, says so, and the history records it', async () => {
    const kept = await contact('Dora Double', 'dora@merge.test')
    const twin = await contact('Dora Double (old)', 'dora.old@merge.test')
    const empty = await owner.get('/customers/merge')
    expect(empty.status).toBe(200)
    expect(empty.html).toContain('Search for the customer')
    const page = await owner.get('/customers/merge?q=Dora')
    expect(page.status).toBe(200)
    expect(page.html).toContain(`name="survivor_id" value="${kept}"`)
    expect(page.html).toContain(`name="merged_id" value="${twin}"`)
    const done = await owner.submit(mergeForm(page.html), '/customers/merge', [
      ['survivor_id', kept],
      ['merged_id', twin],
    ])
    expect(done.status).toBe(200)
    expect(done.html).toContain('Merged Dora Double (old) into Dora Double.')
    expect(done.html).toContain(`href="/customers/${kept}"`)
    expect(await merged(twin)).toBe(kept)
    const trail = await app.query({ type: 'audit_trail', entity_id: twin, action: 'merge' })
    expect(trail.body.data.items[0]).toMatchObject({ entity_type: 'contact', actor_type: 'user' })
  })

  it('a bad choice comes back on the form with the problem next to its field, and nothing is merged', async () => {
    const kept = await contact('Ned Nomerge', 'ned@merge.test')
    const page = await owner.get('/customers/merge?q=Ned')
    const refused = await owner.submit(mergeForm(page.html), '/customers/merge', [['survivor_id', kept]])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('Nothing was merged.')
    expect(refused.html).toMatch(/<span class="err" id="e_merged_id">[^<]+<\/span><\/fieldset>/)
    expect(refused.html).toContain(`name="survivor_id" value="${kept}" checked`)
    expect(await merged(kept)).toBeNull()
  })

  it("is the owner's alone: a technician is refused the page and the merge", async () => {
    const a = await contact('Tia Twice', 'tia@merge.test')
    const b = await contact('Tia Twice (B)', 'tia2@merge.test')
    await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    const tech = await pageClient(app, 'tom@sparkle.test')
    expect((await tech.get('/customers/merge?q=Tia')).status).toBe(403)
    const page = (await owner.get('/customers/merge?q=Tia')).html
    const refused = await tech.submit(mergeForm(page), '/customers/merge', [
      ['survivor_id', a],
      ['merged_id', b],
    ])
    expect(refused.status).toBe(403)
    expect(await merged(b)).toBeNull()
  })
})
