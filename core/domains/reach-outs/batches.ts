import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { audienceOf, type Audience, type AudienceDay, reachableNow } from './audience.js'
import type { ReachOutRule } from './model.js'
import { queueMessages } from '../messages/queue.js'

/** A day's batch of a rule as stored. */
export interface Batch {
  id: string
  rule_id: string
  run_on: string
  status: 'waiting' | 'sent' | 'dismissed'
  recipient_count: number
}

/** The owner's period: a customer gets at most one automatic reach-out within this many days. */
export async function reachOutPeriod(db: Queryable): Promise<number> {
  const r = await db.query<{ days: number }>('select reach_out_period_days as days from tenants where id = app_tenant()')
  return r.rows[0]?.days ?? 30
}

/**
 * Gathers a rule's customers of the day into a batch (at most its daily cap), or makes none when nobody is due; the
 * recipients are kept with why they are due. The batch waits for the owner; the caller sends it when the rule is automatic.
 */
export async function gatherBatch(
  tx: Queryable,
  rule: ReachOutRule,
  on: AudienceDay,
): Promise<{ batch: Batch | null; audience: Audience }> {
  const audience = await audienceOf(tx, rule, on, rule.daily_cap)
  if (!audience.recipients.length) return { batch: null, audience }
  const r = await tx.query<Batch>(
    `insert into reach_out_batches (tenant_id, rule_id, run_on, recipient_count, held_back)
     values (app_tenant(), $1, $2, $3, $4) on conflict (tenant_id, rule_id, run_on) do nothing
     returning id, rule_id, run_on::text as run_on, status, recipient_count`,
    [rule.id, on.day, audience.recipients.length, audience.held_back],
  )
  const batch = r.rows[0] ?? null
  if (!batch) return { batch: null, audience }
  await tx.query(
    `insert into reach_out_recipients (tenant_id, batch_id, contact_id, why)
     select app_tenant(), $1, x.contact_id, x.why from unnest($2::uuid[], $3::text[]) as x (contact_id, why)`,
    [batch.id, audience.recipients.map((p) => p.contact_id), audience.recipients.map((p) => p.why)],
  )
  return { batch, audience }
}

/** A batch read for a change (locked), or NOT_FOUND. */
export async function lockBatch(db: Queryable, id: string): Promise<Batch> {
  return loadBatch(db, id, ' for update')
}

/** A batch, or NOT_FOUND (field data.batch_id). */
export async function loadBatch(db: Queryable, id: string, lock = ''): Promise<Batch> {
  const r = await db.query<Batch>(
    `select id, rule_id, run_on::text as run_on, status, recipient_count from reach_out_batches where id = $1${lock}`,
    [id],
  )
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `No reach-out batch with id ${id}`, { field: 'data.batch_id' })
  return r.rows[0]
}

/** Refuses a batch that is no longer waiting: sent or dismissed, it is done. */
export function assertWaiting(batch: Batch): void {
  if (batch.status !== 'waiting')
    throw new AppError('CONFLICT', `This batch was already ${batch.status}; the rule gathers the next one tomorrow`, {
      field: 'data.batch_id',
    })
}

/**
 * Sends a waiting batch now: one reach_out email per recipient who can still be reached (the same judgement as when it
 * was gathered: an email that works, no opt-out, nothing booked since, no other reach-out within the period), each on
 * the customer's timeline. Returns how many were scheduled and how many were left out since.
 */
export async function sendBatch(ctx: OperationContext, batch: Batch): Promise<{ sent: number; left_out: number }> {
  const now = ctx.services.now()
  const period = await reachOutPeriod(ctx.db)
  const reachable = await ctx.db.query<{ contact_id: string; template_id: string | null; subject: string | null; body: string | null }>(
    `select x.contact_id, r.template_id, r.subject, r.body
       from reach_out_recipients x join reach_out_batches b on b.id = x.batch_id join reach_out_rules r on r.id = b.rule_id
       join contacts c on c.id = x.contact_id
      where x.batch_id = $1 and ${reachableNow('x.contact_id', '$2::timestamptz', '$3::int', '$1::uuid')}`,
    [batch.id, now.toISOString(), period],
  )
  const made = await queueMessages(
    ctx,
    reachable.rows.map((x) => ({ ...x, kind: 'reach_out', send_at: now, reach_out_batch_id: batch.id })),
    { skipDuplicates: true },
  )
  await ctx.db.query(
    `update reach_out_recipients x set message_id = m.id from unnest($2::uuid[], $3::uuid[]) as m (id, contact_id)
      where x.batch_id = $1 and x.contact_id = m.contact_id`,
    [batch.id, made.map((m) => m.id), made.map((m) => m.contact_id)],
  )
  const sent = made.length
  await ctx.db.query(`update reach_out_batches set status = 'sent', sent_count = $2, decided_at = $3 where id = $1`, [batch.id, sent, now])
  await ctx.audit({
    entityType: 'reach_out_batch',
    entityId: batch.id,
    action: 'send',
    before: { status: 'waiting' },
    after: { status: 'sent', sent_count: sent, left_out: batch.recipient_count - sent },
  })
  return { sent, left_out: batch.recipient_count - sent }
}
