import type { Queryable } from '../../db/types.js'
import { dayRange, localDate } from '../../vocabulary/time.js'

/** A business's reach-outs that go out in a day besides its rules' batches, when no rule that is on says more. */
export const REACH_OUT_DAILY_CAP = 20

/** What delivery does with a reach-out that may not go now: drop it, or hold it to a later time. */
export type ReachOutHold = { cancel: string } | { until: Date; why: string }

/**
 * Whether a reach-out email may go now, whatever queued it (a rule's batch, one message, a segment, a close-out): not
 * when the customer had a reach-out within the owner's period (dropped), and, for one that is not a rule's batch (whose
 * rule capped it when gathering), not past the day's cap, the largest daily cap of the rules that are on (held to the
 * next day). Null when it may go.
 */
export async function reachOutHold(tx: Queryable, message: Record<string, unknown>, now: Date): Promise<ReachOutHold | null> {
  const t = (
    await tx.query<{ period: number; timezone: string; cap: number | null; batch: string | null }>(
      `select reach_out_period_days as period, timezone,
              (select max(r.daily_cap) from reach_out_rules r where r.status = 'on') as cap,
              (select m.reach_out_batch_id from scheduled_messages m where m.id = $1) as batch
         from tenants where id = app_tenant()`,
      [message.id],
    )
  ).rows[0]
  const lately = await tx.query<{ sent_at: Date }>(
    `select sent_at from scheduled_messages where contact_id = $1 and kind = 'reach_out' and status = 'sent' and id <> $2
      and sent_at > $3::timestamptz - make_interval(days => $4) order by sent_at desc limit 1`,
    [message.contact_id, message.id, now.toISOString(), t.period],
  )
  if (lately.rows[0]) {
    const on = localDate(new Date(lately.rows[0].sent_at), t.timezone)
    return { cancel: `the customer had a reach-out on ${on}, within the owner's period of ${t.period} days between reach-outs` }
  }
  if (t.batch) return null
  const cap = t.cap ?? REACH_OUT_DAILY_CAP
  const today = dayRange(localDate(now, t.timezone), t.timezone)
  // Deliveries run side by side: one at a time counts, and those composed but not yet marked sent count as sent.
  await tx.query(`select pg_advisory_xact_lock(hashtextextended(app_tenant()::text || ':reach-out-cap', 0))`)
  const sent = await tx.query<{ n: number }>(
    `select count(*)::int as n from scheduled_messages where kind = 'reach_out' and id <> $3
        and ((status = 'sent' and sent_at >= $1 and sent_at < $2) or (status = 'pending' and outgoing is not null))`,
    [today.start.toISOString(), today.end.toISOString(), message.id],
  )
  if (sent.rows[0].n < cap) return null
  return { until: today.end, why: `today's reach-outs reached the daily cap of ${cap}; it goes tomorrow` }
}
