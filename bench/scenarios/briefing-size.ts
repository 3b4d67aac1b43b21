import { loadConfig } from '../../core/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { loadDemo } from '../../core/demo/load-demo.js'
import { createServices } from '../../api/product.js'
import { createTenant } from '../../core/tenants.js'
import { dailyBriefing } from '../../mcp/workflows/daily-briefing.js'
import type { BenchRow, Scenario } from '../scenario.js'

/** The size of daily_briefing's answer on the busiest upcoming day of the demo business, in tokens (characters / 4). */
export const briefingSize: Scenario = {
  name: 'daily_briefing',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    const db = await openPglite(undefined)
    try {
      await migrate(db)
      const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent' }), logLevel: 'silent' }, db)
      const tenant = await createTenant(db, { name: 'Demo Windows', owner_email: 'owner@demo.example' })
      const demo = await loadDemo(services, tenant.tenant_id)
      const principal = { tenantId: tenant.tenant_id, actor: { type: 'agent' as const, id: tenant.tenant_id } }
      const answer = JSON.stringify(await dailyBriefing.run({ services, principal, requestId: 'bench' }, { date: demo.busiest_upcoming_day.date } as never))
      const tokens = Math.ceil(answer.length / 4)
      return [{ measure: `busiest demo day (${demo.busiest_upcoming_day.tickets} tickets), tokens`, value: String(tokens), target: '<= 1500', met: tokens <= 1500 }]
    } finally {
      await db.close()
    }
  },
}
