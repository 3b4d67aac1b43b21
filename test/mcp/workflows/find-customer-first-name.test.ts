import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { callChecked, connectMcp } from '../../helpers/mcp-client.js'

describe.each(engines)('find_customer finds a customer by a first name no one else has (%s)', (engine) => {
  let app: TestApp
  let client: Client
  const ids: Record<string, string> = {}

  const find = (q: string) => callChecked(client, 'find_customer', { q })
  const contact = async (display_name: string) => (await app.ownerAction('contact', 'create', { display_name })).id as string
  const byId = (out: any, id: string) => out.matches.find((m: any) => m.contact_id === id)

  beforeAll(async () => {
    app = await startTestApp(engine)
    ids.owen = await contact('Owen Park')
    // Names holding "owen" elsewhere than as their whole first word: none of them makes "Owen" less Owen Park's.
    ids.bowen = await contact('Bowen Smith')
    ids.sarah = await contact('Sarah Owen')
    ids.owens = await contact('Owens Hardware')
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  it('"Owen", in any case, is Owen Park when he is the only Owen', async () => {
    for (const q of ['Owen', ' owen ', 'OWEN']) {
      const out = await find(q)
      expect(out.best, q).toBe(ids.owen)
      expect(byId(out, ids.owen), q).toMatchObject({ match: 'close', why: 'first name, no other customer has it' })
      expect(out.answer, q).toMatch(/^Owen Park \(first name, no other customer has it\) is the match/)
      // A last name and a longer first name stay near.
      for (const other of [ids.sarah, ids.owens]) {
        const near = byId(out, other)
        if (near) expect(near.match, q).toBe('near')
      }
    }
    const search = await callChecked(client, 'crm_query', { type: 'search', filters: { q: 'Owen', kinds: 'contact' } })
    expect(search.first_name_count).toBe(1)
  })

  it('"Owe", the start of a first name and not a whole one, finds nobody close, as before', async () => {
    const out = await find('Owe')
    expect(out.best).toBe('none close')
    expect(byId(out, ids.owen)).toMatchObject({ match: 'near', why: 'one word of the name' })
    expect(out.matches.every((m: any) => m.match === 'near')).toBe(true)
    // A last name alone is still nobody in particular.
    expect((await find('Park')).best).toBe('none close')
  })

  it('with two Owens, "Owen" offers both to choose from and picks neither', async () => {
    ids.reed = await contact('Owen Reed')
    const out = await find('Owen')
    expect(out.best).toBe('several close')
    for (const id of [ids.owen, ids.reed]) expect(byId(out, id)).toMatchObject({ match: 'close', why: 'first name, shared by 2 customers' })
    expect(out.answer).toMatch(/^2 customers match "Owen" about as well \(Owen (Park|Reed): first name, shared by 2 customers; /)
    expect(out.answer).toMatch(/: ask which one\.$/)
    // The full name still picks one.
    expect((await find('Owen Reed')).best).toBe(ids.reed)
  })
})
