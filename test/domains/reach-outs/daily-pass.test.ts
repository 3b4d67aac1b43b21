import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reachOutsCapability } from '../../../core/domains/reach-outs/capability.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { countRows, insertTicket, made } from '../../helpers/fixtures.js'

describe.each(engines)("the worker's look for reach-out rules due (%s)", (engine) => {
  let app: TestApp
  let clock = new Date('2031-06-15T16:00:00Z')
  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock })
    const c = await made(app, 'contact', 'create', { display_name: 'Lapsed Pass', email: 'lapsed@pass.test' })
    await insertTicket(app, c.id, { start: '2030-01-05T15:00:00Z', completed: true })
  })
  afterAll(() => app.close())

  it('looks at most every ten minutes, so its five-second passes do not open every business each time', async () => {
    const [job] = reachOutsCapability.jobs ?? []
    await job.pass(app.services)
    const rule = await made(app, 'reach_out_rule', 'create', { name: 'Lapsed', trigger: 'no_visit', months: 6 })
    await app.ownerAction('reach_out_rule', 'turn_on', { reach_out_rule_id: rule.id })
    clock = new Date('2031-06-15T16:05:00Z')
    await job.pass(app.services)
    expect(await countRows(app, 'reach_out_batches')).toBe(0)
    clock = new Date('2031-06-15T16:11:00Z')
    await job.pass(app.services)
    expect(await countRows(app, 'reach_out_batches')).toBe(1)
  })
})
