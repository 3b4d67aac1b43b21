import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OfficeTaskResult, runOfficeTasks } from '../../bench/office/run-tasks.js'
import { OFFICE_TASKS } from '../../bench/office/tasks.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'

describe.each(engines)('everyday office tasks, each done cold through MCP (%s)', (engine) => {
  let app: TestApp
  let results: OfficeTaskResult[]
  beforeAll(async () => {
    app = await startTestApp(engine)
    results = await runOfficeTasks(app)
  }, 300_000)
  afterAll(() => app?.close())

  it("does at least 30 tasks, each found by crm_capabilities {q} in the owner words and made in one call (two for two steps, none for the owner's own)", () => {
    expect(OFFICE_TASKS.length).toBeGreaterThanOrEqual(30)
    for (const [i, r] of results.entries()) {
      const calls = OFFICE_TASKS[i].ownerOnly ? 1 : OFFICE_TASKS[i].next ? 3 : 2
      expect({ task: r.name, calls: r.calls }).toEqual({ task: r.name, calls })
    }
  })

  it('leaves the database as each task said, with nothing refused along the way', () => {
    expect(results.filter((r) => r.wrong).map((r) => `${r.name}: ${r.wrong}`)).toEqual([])
  })
})
