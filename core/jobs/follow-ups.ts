import { systemAuditor, writeAudit } from '../kernel/audit.js'
import type { Services } from '../kernel/context.js'
import { withTenant, withWorkerRole } from '../db/tenant.js'
import type { Queryable } from '../db/types.js'
import {
  FOLLOW_UP_STALE_HOURS,
  invoiceReminderSteps,
  quoteFollowUpStep,
  reviewPeriodOver,
  reviewRequestStep,
  stepQueuesNow,
  type FollowUpClock,
  type FollowUpKind,
  type FollowUpStep,
} from '../domains/messages/follow-up-rules.js'
import { queueMessages } from '../domains/messages/queue.js'
import { loadTenantSettings, type TenantSettings } from '../vocabulary/business-settings.js'
import { log } from '../kernel/log.js'
import { addDays, localDate } from '../vocabulary/time.js'
import type { BusinessFailure } from './overdue.js'
import { OWED_SQL } from '../vocabulary/invoice-states.js'
import type { PeriodicJob } from './periodic-job.js'

/** What one pass queued: follow-ups by kind, and the businesses it could not handle. */
export interface FollowUpResult {
  queued: Record<FollowUpKind, number>
  failures: BusinessFailure[]
}

/** A customer who can be emailed: an address that neither bounced nor complained, not archived or merged away (alias c). */
const REACHABLE = `coalesce(c.email, '') <> '' and c.email_status = 'ok' and c.archived_at is null and c.merged_into is null`

/**
 * Queues the follow-ups whose time has come (follow-up-rules.ts) for every business that has any turned on: reminders
 * of its unpaid invoices, follow-ups of its unanswered quotes, review requests after its completed visits. Each business
 * is handled in its own transaction as the system, each message audited; a step is queued once (a unique index), so
 * passes repeat without repeating anything, and delivery checks again, when it sends, that the step still applies.
 */
export async function queueFollowUps(services: Services): Promise<FollowUpResult> {
  const now = services.now()
  const tenants = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from tenants_with_follow_ups()'),
  )
  const result: FollowUpResult = { queued: { invoice_reminder: 0, quote_follow_up: 0, review_request: 0 }, failures: [] }
  for (const { tenant_id: tenantId } of tenants.rows) {
    const requestId = `follow-ups-${now.toISOString()}`
    try {
      const done = await withTenant(services.db, { tenantId, actorType: 'system', requestId }, (tx) =>
        queueTenant(tx, { services, tenantId, requestId, now }),
      )
      for (const kind of Object.keys(done) as FollowUpKind[]) result.queued[kind] += done[kind]
    } catch (err) {
      // The next pass tries this business again.
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'queueing follow-ups failed for one business', { tenant_id: tenantId, error })
      result.failures.push({ tenant_id: tenantId, job: 'follow_ups', error })
    }
  }
  return result
}

interface Pass {
  services: Services
  tenantId: string
  requestId: string
  now: Date
}

async function queueTenant(tx: Queryable, pass: Pass): Promise<Record<FollowUpKind, number>> {
  const settings = await loadTenantSettings(tx)
  return {
    invoice_reminder: await queueInvoiceReminders(tx, pass, settings),
    quote_follow_up: await queueQuoteFollowUps(tx, pass, settings),
    review_request: await queueReviewRequests(tx, pass, settings),
  }
}

/** Days either side of today a step's day may fall on and still be queued (the look-ahead and the staleness limit). */
function window(now: Date, timezone: string): { from: string; to: string } {
  const today = localDate(now, timezone)
  return { from: addDays(today, -Math.ceil(FOLLOW_UP_STALE_HOURS / 24) - 1), to: addDays(today, 2) }
}

async function queueInvoiceReminders(tx: Queryable, pass: Pass, s: TenantSettings): Promise<number> {
  const days = s.invoice_reminder_days
  if (!days.length) return 0
  const { from, to } = window(pass.now, s.timezone)
  const r = await tx.query<{ id: string; contact_id: string; due_on: string; sent_at: Date }>(
    `select i.id, i.contact_id, i.due_on::text as due_on, i.sent_at from invoices i join contacts c on c.id = i.contact_id
     where ${OWED_SQL} and i.sent_at is not null and i.follow_ups_stopped_at is null and ${REACHABLE}
       and i.due_on between $1::date and $2::date
     order by i.due_on, i.number`,
    [addDays(from, -Math.max(...days)), addDays(to, -Math.min(...days))],
  )
  let queued = 0
  for (const i of r.rows) {
    for (const step of invoiceReminderSteps(i.due_on, days, new Date(i.sent_at), s).filter((x) => stepQueuesNow(x, pass.now))) {
      queued += await queueStep(tx, pass, 'invoice_reminder', step, { contact_id: i.contact_id, invoice_id: i.id })
    }
  }
  return queued
}

async function queueQuoteFollowUps(tx: Queryable, pass: Pass, s: TenantSettings): Promise<number> {
  const before = s.quote_follow_up_days
  if (before === null) return 0
  const { from, to } = window(pass.now, s.timezone)
  const r = await tx.query<{ id: string; contact_id: string; valid_until: string; sent_at: Date }>(
    `select q.id, q.contact_id, q.valid_until::text as valid_until, q.sent_at from quotes q join contacts c on c.id = q.contact_id
     where q.status = 'sent' and q.sent_at is not null and q.follow_ups_stopped_at is null and ${REACHABLE} and q.valid_until between $1::date and $2::date
       and q.valid_until >= $3::date
     order by q.valid_until, q.number`,
    [addDays(from, before), addDays(to, before), localDate(pass.now, s.timezone)],
  )
  let queued = 0
  for (const q of r.rows) {
    const step = quoteFollowUpStep(q.valid_until, before, new Date(q.sent_at), s)
    if (step && stepQueuesNow(step, pass.now))
      queued += await queueStep(tx, pass, 'quote_follow_up', step, { contact_id: q.contact_id, quote_id: q.id })
  }
  return queued
}

async function queueReviewRequests(tx: Queryable, pass: Pass, s: TenantSettings): Promise<number> {
  if (!s.review_link) return 0
  const clock: FollowUpClock = s
  const r = await tx.query<{ id: string; contact_id: string; closed_at: Date }>(
    `select t.id, t.contact_id, t.closed_at from tickets t join contacts c on c.id = t.contact_id
     where t.status = 'completed' and t.closed_at >= $1 and c.review_opt_out is null and ${REACHABLE}
       and not exists (select 1 from scheduled_messages m where m.ticket_id = t.id and m.kind = 'review_request')
     order by t.closed_at, t.id`,
    [new Date(pass.now.getTime() - (s.review_after_days + 4) * 86_400_000)],
  )
  let queued = 0
  for (const t of r.rows) {
    const step = reviewRequestStep(new Date(t.closed_at), s.review_after_days, clock)
    if (!stepQueuesNow(step, pass.now)) continue
    // One request per customer per period: the customer's row is locked so two passes cannot both ask.
    await tx.query('select id from contacts where id = $1 for update', [t.contact_id])
    const last = await tx.query<{ at: Date | null }>(
      `select max(send_at) as at from scheduled_messages where contact_id = $1 and kind = 'review_request' and status in ('pending', 'sent')`,
      [t.contact_id],
    )
    const lastAt = last.rows[0]?.at ? new Date(last.rows[0].at) : null
    if (!reviewPeriodOver(lastAt, step.send_at, s.review_every_months, s.timezone)) continue
    queued += await queueStep(tx, pass, 'review_request', step, { contact_id: t.contact_id, ticket_id: t.id })
  }
  return queued
}

/** Inserts one step's message unless that step was queued before (whatever became of it); audited. Returns 1 or 0. */
async function queueStep(
  tx: Queryable,
  pass: Pass,
  kind: FollowUpKind,
  step: FollowUpStep,
  about: { contact_id: string; invoice_id?: string; quote_id?: string; ticket_id?: string },
): Promise<number> {
  const [made] = await queueMessages(
    { db: tx, tenantId: pass.tenantId, services: pass.services },
    [{ ...about, kind, send_at: step.send_at, follow_up_step: step.step }],
    {
      skipDuplicates: true,
    },
  )
  if (!made) return 0
  await writeAudit(tx, systemAuditor(pass.tenantId, pass.requestId), {
    entityType: 'scheduled_message',
    entityId: String(made.id),
    action: 'schedule',
    before: null,
    after: made,
  })
  return 1
}

/** Every pass, before delivery (so a follow-up whose time has come goes in the same pass): follow-up emails are queued. */
export const followUpsJob: PeriodicJob = {
  name: 'follow_ups',
  failure: 'queueing follow-ups failed',
  runs: 'inline',
  async pass(services) {
    const followUps = await queueFollowUps(services)
    const queued = Object.values(followUps.queued).reduce((a, b) => a + b, 0)
    if (queued) log('info', 'follow-ups queued', { ...followUps.queued })
    return { counts: { follow_ups_queued: queued }, failures: followUps.failures }
  },
}
