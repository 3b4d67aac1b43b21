import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runReachOutRules } from '../../core/domains/reach-outs/job.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { engines } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { countRows, insertTicket, made } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'

/** 11:00 in Chicago, after the rules' 9:00; moved a day on by the tests. */
const clock = { now: new Date('2031-06-15T16:00:00Z') }

describe.each(engines)('what the reach-out words say of a dismissed batch, the product does (%s)', (engine) => {
  let pages: PageApp
  beforeAll(async () => {
    pages = await startPageApp(engine, { now: () => clock.now })
    const { app } = pages
    for (const name of ['Iris', 'Jon']) {
      const c = await made(app, 'contact', 'create', { display_name: `${name} Lapsed`, email: `${name.toLowerCase()}@dismiss.test` })
      await insertTicket(app, c.id, { start: '2030-10-01T15:00:00Z', completed: true })
    }
    const rule = await app.ownerAction('reach_out_rule', 'create', { name: 'Lapsed', trigger: 'no_visit', months: 6 })
    await app.ownerAction('reach_out_rule', 'turn_on', { reach_out_rule_id: rule.id, daily_cap: 20 })
  })
  afterAll(() => pages?.app.close())

  /** The day's batch, gathered by the daily run. */
  async function waitingBatch(): Promise<string> {
    expect(await runReachOutRules(pages.app.services)).toMatchObject({ gathered: 1, sent: 0 })
    const [batch] = expectData(await pages.app.query({ type: 'reach_out_batches', status: 'waiting' })).items
    expect(batch.recipient_count).toBe(2)
    return batch.id
  }

  /** What reached the customers once the owner's Send of the dismissed batch is refused and all that is due is delivered. */
  async function emailedAfterDelivery(id: string): Promise<string[]> {
    await expect(pages.app.ownerAction('reach_out_batch', 'send', { batch_id: id })).rejects.toThrow(/dismissed/)
    await deliverDue(pages.app.services)
    return pages.app.email.sent.map((m) => String(m.to)).filter((to) => to.endsWith('@dismiss.test'))
  }

  it('Dismiss on the page: nobody in the batch is emailed', async () => {
    const id = await waitingBatch()
    const page = await pages.owner.get('/reach-outs')
    const dismissed = await pages.owner.submit(page.html, `/reach-outs/batches/${id}/dismiss`)
    expect(dismissed.status).toBe(303)
    expect(expectData(await pages.app.query({ type: 'reach_out_batches', status: 'dismissed' })).items.map((b: any) => b.id)).toEqual([id])
    expect(await countRows(pages.app, 'scheduled_messages', "kind = 'reach_out'")).toBe(0)
    expect(await emailedAfterDelivery(id)).toEqual([])
  })

  it("the agent's reach_out_batch.dismiss: nobody in the batch is emailed", async () => {
    clock.now = new Date('2031-06-16T16:00:00Z')
    const id = await waitingBatch()
    expect(await made(pages.app, 'reach_out_batch', 'dismiss', { batch_id: id })).toMatchObject({ batch_id: id, status: 'dismissed' })
    expect(await countRows(pages.app, 'scheduled_messages', "kind = 'reach_out'")).toBe(0)
    clock.now = new Date('2031-06-16T17:00:00Z')
    expect(await emailedAfterDelivery(id)).toEqual([])
  })
})
