import { randomUUID } from 'node:crypto'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import type { Principal } from '../../../core/kernel/context.js'
import { performAction } from '../../../core/kernel/operations.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'

describe.each(engines)('find_customer ranks its matches (%s)', (engine) => {
  let app: TestApp
  let agent: Principal
  let client: Client
  const ids: Record<string, string> = {}

  const find = async (q: string, limit?: number) => {
    const r = toolJson(await client.callTool({ name: 'find_customer', arguments: { q, ...(limit ? { limit } : {}) } }))
    expect(r.isError).toBe(false)
    return r.json
  }
  const contact = async (display_name: string, extra: Record<string, unknown> = {}) =>
    (
      await performAction(
        app.services,
        agent,
        { domain: 'contact', action: 'create', data: { display_name, ...extra } },
        { requestId: randomUUID() },
      )
    ).result as any

  beforeAll(async () => {
    app = await startTestApp(engine)
    agent = (await authenticateAgentToken(app.services.db, app.tenant.agent_token))!
    ids.jason = (await contact('Jason Smith', { phone: '(256) 555-7000' })).id
    ids.janet = (await contact('Janet Smithers', { email: 'janet@example.com' })).id
    // Sixty names about as like "Jane Smith" as Jason's, written before Jane, so any 50 of them could crowd her out.
    const letters = 'bcdfghklmprstvwz'
    for (let i = 0; i < 60; i++) await contact(`Ja${letters[i % 16]}${'aeiou'[Math.floor(i / 16) % 5]} Smith`)
    ids.jane = (await contact('Jane Smith', { phone: '(256) 555-4821', email: 'jane@example.com' })).id
    const a = await performAction(
      app.services,
      agent,
      {
        domain: 'address',
        action: 'add',
        data: { contact_id: ids.jane, line1: '12 Oak Street', city: 'Huntsville', state: 'AL', postal_code: '35801' },
      },
      { requestId: randomUUID() },
    )
    expect(a.result).toBeTruthy()
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client.close()
    await app.close()
  })

  it('"Jane Smith" finds Jane Smith first, exactly, among sixty similar Smiths, and names her the best', async () => {
    const out = await find('Jane Smith')
    expect(out.matches[0]).toMatchObject({ contact_id: ids.jane, name: 'Jane Smith', score: 1, why: 'exact name', match: 'exact' })
    expect(out.best).toBe(ids.jane)
    // A name found as typed is listed without the sixty near ones; a hit found another way may follow it.
    expect(out.answer).toMatch(/^Jane Smith \(exact name\) is the match(; the others? (is|are) only near)?\.$/)
    const jason = out.matches.find((m: any) => m.contact_id === ids.jason)
    if (jason) expect(jason).toMatchObject({ match: 'near', why: 'partial name: smith' })
    for (const m of out.matches.slice(1)) expect(m.score).toBeLessThan(0.85)
  })

  it('a typo, "Jane Smtih", still finds Jane, one letter off, ahead of Jason', async () => {
    const out = await find('Jane Smtih')
    expect(out.matches[0]).toMatchObject({ contact_id: ids.jane, why: 'name: 1 letter off', match: 'close', score: 0.89 })
    expect(out.best).toBe(ids.jane)
  })

  it('a phone fragment, an email and a street say so', async () => {
    const phone = await find('4821')
    expect(phone.matches[0]).toMatchObject({ contact_id: ids.jane, why: 'phone ends 4821', match: 'close' })
    expect(phone.best).toBe(ids.jane)
    expect((await find('jane@example.com')).matches[0]).toMatchObject({ contact_id: ids.jane, why: 'email' })
    expect((await find('oak street')).matches[0]).toMatchObject({ contact_id: ids.jane, why: 'street' })
  })

  it('says plainly when nothing is close, listing the near ones as near', async () => {
    const out = await find('Jane Smithson')
    expect(out.best).toBe('none close')
    expect(out.answer).toMatch(/^No customer matches "Jane Smithson" closely; the nearest are listed as near/)
    expect(out.matches.map((m: any) => m.contact_id)).toContain(ids.jane)
    for (const m of out.matches) expect(m).toMatchObject({ match: 'near', why: expect.stringMatching(/^(partial name: |name like it$)/) })
    expect(out.matches.find((m: any) => m.contact_id === ids.jane).why).toBe('partial name: jane')
    const surname = await find('smith')
    expect(surname.best).not.toBe(ids.jane)
    expect(surname.matches.every((m: any) => m.match === 'near')).toBe(true)
    const nobody = await find('Zebulon Quartermaine')
    expect(nobody).toMatchObject({ best: 'none close', matches: [], answer: 'No customer matches "Zebulon Quartermaine".' })
  })

  it('says "several close" when two customers match about as well', async () => {
    const twin = (await contact('Jane Smith', { phone: '(256) 555-1111' })).id
    const out = await find('Jane Smith')
    expect(out.best).toBe('several close')
    expect(
      out.matches
        .slice(0, 2)
        .map((m: any) => m.contact_id)
        .sort(),
    ).toEqual([ids.jane, twin].sort())
    expect(out.answer).toBe('2 customers match "Jane Smith" about as well (Jane Smith: exact name; Jane Smith: exact name): ask which one.')
    await performAction(
      app.services,
      agent,
      { domain: 'contact', action: 'archive', data: { contact_id: twin } },
      { requestId: randomUUID() },
    )
  })
})
