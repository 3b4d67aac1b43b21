import type { OffSessionCharge } from '../../clients/payments.js'
import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext, Services } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { log } from '../../kernel/log.js'
import { contextOf } from '../../kernel/operations-context.js'
import { addDays, localDate } from '../../vocabulary/time.js'
import { applyPayment, loadInvoice } from '../invoices/model.js'
import { scheduleMessage } from '../messages/actions.js'
import { loadTenantSettings } from '../settings/model.js'
import { type ClaimedCharge, RETRY_DAYS } from './autopay.js'

/** What a try came to, as recorded. */
export type ChargeStatus = 'succeeded' | 'processing' | 'declined' | 'needs_customer' | 'error' | 'lost'

/** What the customer reads when their card was declined; the link to save another card follows it. */
const DECLINED_WORDS = (number: string, retry: string | null) =>
  `We could not charge your saved card for invoice ${number}: your bank declined it.` +
  (retry ? ` We will try again on ${retry}.` : '') +
  ' If your card has changed, please save the new one with the link below; we will then charge it instead.'

/** What the customer reads when their bank wants them to confirm the charge themselves; the invoice's pay link follows it. */
const CONFIRM_WORDS = (number: string) =>
  `Your bank asks you to confirm the payment of invoice ${number} yourself, so we could not charge your saved card ` +
  'automatically. Please pay with the link below; it takes a minute.'

/**
 * Records what Stripe answered for one try, in the business's transaction as the system: a charge that succeeded is a
 * payment on the invoice (once: its PaymentIntent is the payment's external id); a decline is kept with its codes and its
 * retry day, and the first one emails the customer a link to save another card; a charge that needs the customer emails
 * them the invoice's pay link; an unreachable Stripe leaves the try to be sent again with its key.
 */
export async function recordCharge(
  services: Services,
  tx: Queryable,
  tenantId: string,
  claim: ClaimedCharge,
  outcome: OffSessionCharge | { status: 'error'; message: string },
  requestId: string,
  effects: Array<() => Promise<void>>,
): Promise<ChargeStatus> {
  const row = (
    await tx.query<{ status: string; started_at: Date }>('select status, started_at from autopay_attempts where id = $1 for update', [
      claim.attemptId,
    ])
  ).rows[0]
  if (row?.status !== 'charging') return 'lost'
  const ctx = contextOf(services, { tenantId, actor: { type: 'system', id: null } }, tx, requestId, 'Autopay', (fn) => effects.push(fn))
  const settings = await loadTenantSettings(tx)
  const today = localDate(services.now(), settings.timezone)
  const done = (
    status: string,
    fields: { pi?: string | null; code?: string | null; decline?: string | null; message?: string | null; retry?: string | null },
  ) =>
    tx.query(
      `update autopay_attempts set status = $2, payment_intent_id = coalesce($3, payment_intent_id), code = $4, decline_code = $5,
         message = $6, retry_on = $7, finished_at = $8 where id = $1`,
      [
        claim.attemptId,
        status,
        fields.pi ?? null,
        fields.code ?? null,
        fields.decline ?? null,
        fields.message ?? null,
        fields.retry ?? null,
        services.now(),
      ],
    )
  if (outcome.status === 'error') {
    // Not finished: the next pass sends the same request again once the try is stale.
    await tx.query(`update autopay_attempts set status = 'error', message = $2 where id = $1`, [claim.attemptId, outcome.message])
    return 'error'
  }
  if (outcome.status === 'succeeded') {
    await done('succeeded', { pi: outcome.paymentIntentId })
    await recordCardPayment(ctx, claim, outcome.paymentIntentId, outcome.amountCents, today)
    return 'succeeded'
  }
  if (outcome.status === 'processing') {
    await done('processing', { pi: outcome.paymentIntentId, message: 'Stripe is still processing the charge' })
    return 'processing'
  }
  if (outcome.status === 'needs_customer') {
    await done('needs_customer', { pi: outcome.paymentIntentId, code: 'authentication_required', message: outcome.message })
    await callWithin(ctx, scheduleMessage, {
      contact_id: claim.contactId,
      kind: 'invoice',
      invoice_id: claim.invoiceId,
      body: CONFIRM_WORDS(claim.number),
    })
    await auditAttempt(ctx, claim, 'needs_customer', outcome.message)
    return 'needs_customer'
  }
  const first = (
    await tx.query<{ started_at: string }>('select started_at from autopay_attempts where invoice_id = $1 and attempt = 1', [
      claim.invoiceId,
    ])
  ).rows[0]
  const firstDay = first ? localDate(new Date(first.started_at), settings.timezone) : today
  const retryDays = RETRY_DAYS[claim.attempt - 1]
  const retry = retryDays !== undefined ? addDays(firstDay, retryDays) : null
  await done('declined', { pi: outcome.paymentIntentId, code: outcome.code, decline: outcome.declineCode, message: outcome.message, retry })
  const earlier = await tx.query(`select 1 from autopay_attempts where invoice_id = $1 and status = 'declined' and id <> $2`, [
    claim.invoiceId,
    claim.attemptId,
  ])
  if (!earlier.rows.length) {
    await callWithin(ctx, scheduleMessage, {
      contact_id: claim.contactId,
      kind: 'card_request',
      invoice_id: claim.invoiceId,
      body: DECLINED_WORDS(claim.number, retry),
    })
  }
  await auditAttempt(ctx, claim, 'declined', `${outcome.code}${outcome.declineCode ? ` (${outcome.declineCode})` : ''}: ${outcome.message}`)
  return 'declined'
}

/** Keeps a failed try in the invoice's history, where the owner reads what happened to it. */
async function auditAttempt(ctx: OperationContext, claim: ClaimedCharge, what: string, why: string): Promise<void> {
  await ctx.audit({
    entityType: 'invoice',
    entityId: claim.invoiceId,
    action: `autopay_${what}`,
    before: null,
    after: { attempt: claim.attempt, amount_cents: claim.amountCents, why },
  })
}

/** A succeeded charge as a payment on its invoice, once per PaymentIntent, through the one path payments take. */
export async function recordCardPayment(
  ctx: OperationContext,
  claim: { invoiceId: string },
  paymentIntentId: string,
  amountCents: number,
  today: string,
): Promise<void> {
  const seen = await ctx.db.query('select 1 from payments where external_event_id = $1', [paymentIntentId])
  if (seen.rows.length) return
  const before = await loadInvoice(ctx.db, claim.invoiceId, today, true)
  if (before.status === 'void') log('warn', 'a void invoice was charged by autopay: refund it', { invoice_id: claim.invoiceId })
  await applyPayment(
    ctx,
    before,
    {
      amount_cents: amountCents,
      method: 'stripe',
      reference: paymentIntentId,
      external_event_id: paymentIntentId,
      received_at: ctx.services.now().toISOString(),
    },
    today,
  )
}
