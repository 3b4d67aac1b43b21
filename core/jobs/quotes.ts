import type { OperationContext, Services } from '../kernel/context.js'
import { withTenant, withWorkerRole } from '../db/tenant.js'
import { endQuoteChasing } from '../domains/quotes/messages.js'
import { contextOf } from '../kernel/operations-context.js'
import { INTERACTION_COLUMNS } from '../domains/interactions/model.js'
import { loadTenantSettings } from '../vocabulary/business-settings.js'
import { log } from '../kernel/log.js'
import { addDays, localDate } from '../vocabulary/time.js'
import type { BusinessFailure } from './overdue.js'
import { formatMoney } from '../vocabulary/money.js'
import type { PeriodicJob } from './periodic-job.js'

/** How many days before a sent quote lapses the owner is asked to follow up with the customer. */
export const QUOTE_FOLLOW_UP_DAYS = 2

/** What one pass over quotes did: follow-ups made, quotes marked expired, and the businesses it could not handle. */
export interface QuoteChaseResult {
  follow_ups: number
  expired: number
  failures: BusinessFailure[]
}

/**
 * Chases sent quotes the customer has not answered. QUOTE_FOLLOW_UP_DAYS before valid_until (in the business's time
 * zone) it logs a note with a follow-up due that day on the customer's history, where the owner and the agent see it
 * (interactions?follow_up=due); once valid_until has passed it marks the quote expired, cancels its queued emails and
 * closes that follow-up (as every way a quote ends does).
 * Each quote gets one follow-up (the quote keeps its id), so passes can repeat without repeating anything.
 */
export async function chaseQuotes(services: Services): Promise<QuoteChaseResult> {
  const now = services.now()
  const tenants = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from tenants_with_quotes_to_chase($1)', [now.toISOString()]),
  )
  const result: QuoteChaseResult = { follow_ups: 0, expired: 0, failures: [] }
  for (const { tenant_id: tenantId } of tenants.rows) {
    const requestId = `quotes-${now.toISOString()}`
    try {
      const done = await withTenant(services.db, { tenantId, actorType: 'system', requestId }, (tx) =>
        chaseTenant(
          contextOf({ ...services, now: () => now }, { tenantId, actor: { type: 'system', id: null } }, tx, requestId, null, () => {}),
        ),
      )
      result.follow_ups += done.follow_ups
      result.expired += done.expired
    } catch (err) {
      // The next pass tries this business again.
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'chasing quotes failed for one business', { tenant_id: tenantId, error })
      result.failures.push({ tenant_id: tenantId, job: 'quotes', error })
    }
  }
  return result
}

async function chaseTenant(ctx: OperationContext): Promise<{ follow_ups: number; expired: number }> {
  const { db: tx, tenantId } = ctx
  const now = ctx.services.now()
  const settings = await loadTenantSettings(tx)
  const today = localDate(now, settings.timezone)
  const soon = await tx.query<{
    id: string
    number: string
    contact_id: string
    total_cents: number
    currency: string
    valid_until: string
  }>(
    `select id, number, contact_id, total_cents, currency, valid_until::text as valid_until from quotes
     where status = 'sent' and follow_up_interaction_id is null and valid_until >= $1::date and valid_until <= $2::date
     order by valid_until, number for update skip locked`,
    [today, addDays(today, QUOTE_FOLLOW_UP_DAYS)],
  )
  for (const q of soon.rows) {
    const summary =
      `Quote ${q.number} for ${formatMoney(q.total_cents, q.currency)} is valid until ${q.valid_until} and the customer has not answered. ` +
      'Follow up before it expires.'
    const i = await tx.query(
      `insert into interactions (tenant_id, contact_id, kind, occurred_at, subject, summary, follow_up_on, author_type)
      values ($1, $2, 'note', $3, $4, $5, $6, 'system') returning ${INTERACTION_COLUMNS}`,
      [tenantId, q.contact_id, now, `Quote ${q.number} expires ${q.valid_until}`, summary, today],
    )
    await ctx.audit({ entityType: 'interaction', entityId: String(i.rows[0].id), action: 'create', before: null, after: i.rows[0] })
    await tx.query('update quotes set follow_up_interaction_id = $2 where id = $1', [q.id, i.rows[0].id])
    await ctx.audit({
      entityType: 'quote',
      entityId: q.id,
      action: 'follow_up',
      before: { follow_up_interaction_id: null },
      after: { follow_up_interaction_id: i.rows[0].id },
    })
  }
  const lapsed = await tx.query<{ id: string; number: string; follow_up_interaction_id: string | null }>(
    `with due as (select id from quotes where status = 'sent' and valid_until < $1::date for update skip locked)
     update quotes q set status = 'expired', expired_at = $2 from due where q.id = due.id returning q.id, q.number, q.follow_up_interaction_id`,
    [today, now],
  )
  for (const q of lapsed.rows) {
    await ctx.audit({
      entityType: 'quote',
      entityId: q.id,
      action: 'expire',
      before: { status: 'sent' },
      after: { status: 'expired', expired_at: now },
    })
    await endQuoteChasing(ctx, q, 'expired')
  }
  return { follow_ups: soon.rows.length, expired: lapsed.rows.length }
}

/** Every pass, before delivery (so an email of a quote that just expired is cancelled rather than sent): quotes are followed up or expire. */
export const quotesJob: PeriodicJob = {
  name: 'quotes',
  failure: 'chasing quotes failed',
  runs: 'inline',
  async pass(services) {
    const quotes = await chaseQuotes(services)
    if (quotes.follow_ups || quotes.expired) log('info', 'quotes chased', { follow_ups: quotes.follow_ups, expired: quotes.expired })
    return { counts: { quote_follow_ups: quotes.follow_ups, quotes_expired: quotes.expired }, failures: quotes.failures }
  },
}
