import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { signedIn } from '../../helpers/fixtures.js'

describe.each(engines)('erasing a customer reaches the queued agent calls that name them (%s)', (engine) => {
  let app: TestApp

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
  })
  afterAll(() => app.close())

  it("replaces their values in a failed call's error as in the rest of the call, and leaves another customer's call alone", async () => {
    const owner = await signedIn(app, app.tenant.owner_user_id)
    const pip = expectData(await owner.action('contact', 'create', { display_name: 'Pip Quillfeather', email: 'pip@erasure.test' })).id
    // As the queue stores a call that failed when the owner allowed it: the error repeats what it was about.
    const failed = (name: string, id: string) =>
      app.t.admin.query<{ id: string }>(
        `insert into authorization_requests (tenant_id, action_key, data, summary,
        status, decision, error) values ($1, 'contact.update', $2, $3, 'failed', 'allow_once', $4) returning id`,
        [
          app.tenant.tenant_id,
          JSON.stringify({ contact_id: id }),
          `Update ${name}`,
          JSON.stringify({ code: 'CONFLICT', message: `${name} changed meanwhile` }),
        ],
      )
    const mine = (await failed('Pip Quillfeather', pip)).rows[0].id
    const theirs = (await failed('Olive Bystander', '00000000-0000-4000-8000-000000000001')).rows[0].id
    expectData(await owner.action('contact', 'erase', { contact_id: pip, confirm: true }))
    const rows = await app.t.admin.query<{ id: string; summary: string; error: { message: string } }>(
      'select id, summary, error from authorization_requests where id = any($1::uuid[])',
      [[mine, theirs]],
    )
    const byId = new Map(rows.rows.map((r) => [r.id, r]))
    expect(byId.get(mine)).toMatchObject({ summary: '[erased]', error: { code: 'CONFLICT', message: '[erased]' } })
    expect(byId.get(theirs)).toMatchObject({ summary: 'Update Olive Bystander', error: { message: 'Olive Bystander changed meanwhile' } })
  })
})
