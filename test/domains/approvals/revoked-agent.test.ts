import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { revokeAgentToken } from '../../../core/auth/agent-tokens.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { countRows, newContact, signedIn } from '../../helpers/fixtures.js'

describe.each(engines)('an approval whose agent was revoked (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('fails with a clear note instead of running the call', async () => {
    const id = await newContact(app, { display_name: 'Mistaken Entry' })
    const asked = await app.action('contact', 'delete', { contact_id: id }, { reasoning: 'Entered twice by mistake' })
    expect(asked.status).toBe(202)
    const queued = asked.body.data
    expect(queued.status).toBe('pending_authorization')
    await revokeAgentToken(app.t.db, app.tenant.agent_token)
    const owner = await signedIn(app, app.tenant.owner_user_id)
    const decided = expectData(await owner.action('authorization', 'decide', { request_id: queued.request_id, decision: 'allow_once' }))
    expect(decided.status).toBe('failed')
    expect(decided.error).toMatchObject({ code: 'FORBIDDEN' })
    expect(decided.error.message).toMatch(/revoked before you decided, so nothing ran/)
    expect((await app.t.admin.query('select 1 from contacts where id = $1', [id])).rows).toHaveLength(1)
    expect(await countRows(app, 'permission_overrides')).toBe(0)
  })
})
