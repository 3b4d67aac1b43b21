import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { loadConfig } from '../../core/kernel/config.js'
import type { Principal, Services } from '../../core/kernel/context.js'
import { performAction, performQuery } from '../../core/kernel/operations.js'
import { createRegistry, defineAction, defineQuery } from '../../core/kernel/registry.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { bothEngines } from '../helpers/databases.js'

// Both engines: the generated registry tests prove the two engines answer alike.

// Each answer is held to its declared schema in tests and development, so a wrong declaration shows on the first call.

const access = { agent: 'unrestricted', technician: 'none' } as const
const misdeclared = defineAction({
  key: 'probe.misdeclared',
  description: 'Answers a number where its schema says text',
  access,
  input: z.object({}),
  output: z.object({ id: z.string(), when: z.string() }),
  run: async (ctx) => {
    await ctx.db.query(`insert into contacts (tenant_id, display_name) values ($1, 'Probe Left Behind')`, [ctx.tenantId])
    return { id: 7, when: new Date(0) }
  },
})
const wellDeclared = defineAction({
  key: 'probe.well_declared',
  description: 'Answers as declared, a time included',
  access,
  input: z.object({}),
  output: z.object({ id: z.string(), when: z.iso.datetime() }),
  run: async () => ({ id: 'a', when: new Date(0) }),
})
const misreported = defineQuery({
  type: 'probe_records',
  description: 'Lists records with a field its record schema does not allow',
  access,
  params: z.object({}),
  record: z.object({ id: z.string(), items: z.array(z.object({ n: z.number() })) }),
  run: async () => ({ items: [{ id: 'a', items: [{ n: 1 }, { n: 'two' }] }], next_cursor: null }),
})

describe('the output check setting', () => {
  it('is on unless NODE_ENV is production, and CRM_CHECK_OUTPUT decides either way', () => {
    expect(loadConfig({}).checkOutput).toBe(true)
    expect(loadConfig({ NODE_ENV: 'development' }).checkOutput).toBe(true)
    expect(loadConfig({ NODE_ENV: 'production' }).checkOutput).toBe(false)
    expect(loadConfig({ NODE_ENV: 'production', CRM_CHECK_OUTPUT: 'on' }).checkOutput).toBe(true)
    expect(loadConfig({ CRM_CHECK_OUTPUT: 'off' }).checkOutput).toBe(false)
    expect(() => loadConfig({ CRM_CHECK_OUTPUT: 'sometimes' })).toThrow(/CRM_CHECK_OUTPUT must be on or off/)
  })
})

describe.each(bothEngines)('answers checked against their declared schemas (%s)', (engine) => {
  let app: TestApp
  let owner: Principal
  let checked: Services
  const request = () => ({ requestId: randomUUID() })

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    checked = { ...app.services, registry: createRegistry([{ misdeclared, wellDeclared, misreported }]) }
  })
  afterAll(() => app?.close())

  const leftBehind = async () => (await app.t.admin.query(`select 1 from contacts where display_name = 'Probe Left Behind'`)).rows.length

  it("refuses an action's answer that differs from its output schema, naming the action and the path, and keeps nothing it wrote", async () => {
    expect(checked.config.checkOutput).toBe(true)
    const call = performAction(checked, owner, { domain: 'probe', action: 'misdeclared' }, request())
    await expect(call).rejects.toMatchObject({
      code: 'INTERNAL',
      details: { operation: 'probe.misdeclared', paths: ['id: Invalid input: expected string, received number'] },
    })
    await expect(performAction(checked, owner, { domain: 'probe', action: 'misdeclared' }, request())).rejects.toThrow(
      /probe\.misdeclared answered outside its declared output schema: id:/,
    )
    expect(await leftBehind()).toBe(0)
    expect((await performAction(checked, owner, { domain: 'probe', action: 'well_declared' }, request())).result).toEqual({
      id: 'a',
      when: new Date(0),
    })
  })

  it("refuses a query's record that differs from its record schema, naming the type and the path", async () => {
    await expect(performQuery(checked, owner, { type: 'probe_records' }, request())).rejects.toMatchObject({
      code: 'INTERNAL',
      details: { operation: 'probe_records', paths: ['items.1.n: Invalid input: expected number, received string'] },
    })
  })

  it('lets the same answers through when the check is off, as in production', async () => {
    const unchecked = { ...checked, config: { ...checked.config, checkOutput: false } }
    expect((await performAction(unchecked, owner, { domain: 'probe', action: 'misdeclared' }, request())).result).toEqual({
      id: 7,
      when: new Date(0),
    })
    expect(await leftBehind()).toBe(1)
    expect(((await performQuery(unchecked, owner, { type: 'probe_records' }, request())) as { items: unknown[] }).items).toHaveLength(1)
  })
})
