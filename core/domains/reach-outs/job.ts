import type { JobFailure } from '../../kernel/plug-in.js'
import type { Services } from '../../kernel/context.js'
import { withTenant, withWorkerRole } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { log } from '../../kernel/log.js'
import { contextOf } from '../../kernel/operations-context.js'
import { localDate, localTime } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { seasonEndDue } from './audience.js'
import { gatherBatch, reachOutPeriod, sendBatch } from './batches.js'
import { RULE_COLUMNS, type ReachOutRule } from './model.js'

/** The rules run once a day from this local time, so their emails go out in the morning, not at midnight. */
export const RUN_FROM = '09:00'

/** What one pass did: batches gathered, emails sent by automatic rules, and the businesses it could not run. */
export interface ReachOutPass {
  gathered: number
  sent: number
  failures: JobFailure[]
}

/**
 * Runs each rule that is on once a business day, from 9:00 in the business's time zone: its due customers (at most its
 * daily cap) become a batch, sent at once when the rule is automatic, else left waiting for the owner. A rule with a batch
 * still waiting gathers none (its customers are held by it); a season_end rule runs on its date only. Each business runs
 * in its own transaction as the system, audited there.
 */
export async function runReachOutRules(services: Services): Promise<ReachOutPass> {
  const now = services.now()
  const tenants = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from tenants_with_reach_out_rules()'),
  )
  const pass: ReachOutPass = { gathered: 0, sent: 0, failures: [] }
  for (const { tenant_id: tenantId } of tenants.rows) {
    const requestId = `reach-outs-${now.toISOString()}`
    try {
      const done = await withTenant(services.db, { tenantId, actorType: 'system', requestId }, (tx) =>
        runBusiness(services, tx, tenantId, requestId, now),
      )
      pass.gathered += done.gathered
      pass.sent += done.sent
    } catch (err) {
      // The next pass tries this business again: its rules' last_run_on did not move.
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'running reach-out rules failed for one business', { tenant_id: tenantId, error })
      pass.failures.push({ tenant_id: tenantId, job: 'reach-outs', error })
    }
  }
  return pass
}

/** One business's rules due today. */
async function runBusiness(services: Services, tx: Queryable, tenantId: string, requestId: string, now: Date) {
  const settings = await loadTenantSettings(tx)
  const day = localDate(now, settings.timezone)
  const done = { gathered: 0, sent: 0 }
  if (localTime(now, settings.timezone) < RUN_FROM) return done
  const rules = await tx.query<ReachOutRule>(
    `select ${RULE_COLUMNS} from reach_out_rules r where r.status = 'on' and (r.last_run_on is null or r.last_run_on < $1)
      order by r.created_at, r.id for update skip locked`,
    [day],
  )
  if (!rules.rows.length) return done
  const ctx = contextOf(services, { tenantId, actor: { type: 'system', id: null } }, tx, requestId, null, () => {
    throw new Error('the reach-out pass leaves nothing for after commit')
  })
  const on = { day, timezone: settings.timezone, periodDays: await reachOutPeriod(tx), now }
  for (const rule of rules.rows) {
    if (rule.trigger === 'season_end' && !seasonEndDue(rule, day)) continue
    const waiting = await tx.query(`select 1 from reach_out_batches where rule_id = $1 and status = 'waiting'`, [rule.id])
    if (!waiting.rows[0]) {
      const { batch, audience } = await gatherBatch(tx, rule, on)
      if (batch) {
        done.gathered += 1
        await ctx.audit({
          entityType: 'reach_out_batch',
          entityId: batch.id,
          action: 'gather',
          after: { rule_id: rule.id, run_on: day, recipient_count: batch.recipient_count, held_back: audience.held_back },
        })
        if (rule.automatic) done.sent += (await sendBatch(ctx, batch)).sent
      }
    }
    await tx.query('update reach_out_rules set last_run_on = $2 where id = $1', [rule.id, day])
  }
  return done
}
