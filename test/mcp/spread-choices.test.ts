import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { callChecked, connectMcp } from '../helpers/mcp-client.js'
import { addUser } from '../helpers/session-browser.js'

/** The server's clock: Thursday 2026-10-29, 10:15 in Chicago. */
const NOW = new Date('2026-10-29T15:15:00Z')

describe.each(engines)('an agent offers three times next week, spread over days (%s)', (engine) => {
  let app: TestApp
  let client: Client

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tran')
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  it("finds spread among availability's filters, and with it gets three different days where it got three Monday times", async () => {
    const found = await callChecked(client, 'crm_capabilities', { q: 'three free times next week to offer a customer' })
    const availability = found.matches[0]
    expect(availability.type).toBe('availability')
    expect(availability.input).toContain('spread: days')
    const schema = await callChecked(client, 'crm_capabilities', { type: 'availability' })
    expect(JSON.stringify(schema)).toContain('each on a different day')
    const ask = (filters: Record<string, string>) =>
      callChecked(client, 'crm_query', { type: 'availability', limit: 3, filters: { from: 'next week', ...filters } })
    const plain = await ask({})
    expect(plain.items.map((i: any) => i.start.slice(0, 10))).toEqual(['2026-11-02', '2026-11-02', '2026-11-02'])
    const spread = await ask({ spread: 'days' })
    expect(spread.items.map((i: any) => i.slot)).toEqual([
      'Mon 2026-11-02 08:00–09:00 Tess',
      'Tue 2026-11-03 08:00–09:00 Tess',
      'Wed 2026-11-04 08:00–09:00 Tess',
    ])
    expect(spread.next_cursor).toBeNull()
  })
})
