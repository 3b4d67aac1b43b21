import type { JobFailure } from '../../kernel/plug-in.js'
import { paymentsOf, type OffSessionCharge } from '../../clients/payments.js'
import type { Services } from '../../kernel/context.js'
import { withTenant, withWorkerRole } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { log } from '../../kernel/log.js'
import { runEffects } from '../../kernel/operations.js'
import { addDays, localDate } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { recordCharge } from './charge-outcome.js'
import { customerWasTold, NOTICE_DAYS } from './charge-notices.js'

/** Days after the first try that a declined charge is tried again; after the last, the owner and the customer take over. */
export const RETRY_DAYS = [1, 3, 5] as const

/** A try left charging this long lost its worker (a restart, a crash): it is sent again with the same key. */
export const STALE_MS = 2 * 60_000

/** The most invoices one pass charges in one business; the next pass takes the rest. */
const BATCH = 500

/** What one pass did: charges made, declined, waiting on the customer, and the businesses it could not run. */
export interface AutopayPass {
  charged: number
  declined: number
  needsCustomer: number
  failures: JobFailure[]
}

/** One try claimed for an invoice: what to send to Stripe, and under which key. */
export interface ClaimedCharge {
  attemptId: string
  attempt: number
  invoiceId: string
  number: string
  contactId: string
  key: string
  amountCents: number
  currency: string
  customerId: string
  paymentMethodId: string
}

/** The key of an invoice's try: the same invoice and try always send the same key, so Stripe charges once. */
export function chargeKey(tenantId: string, invoiceId: string, attempt: number): string {
  return `autopay-${tenantId}-${invoiceId}-${attempt}`
}

/**
 * Charges every invoice due for it to its customer's saved card, off-session: an invoice marked autopay (a plan's, a
 * recurring invoice's) or any invoice of a customer who opted in, on or after its due date in the business's time zone,
 * when what it asks was set by a person, the owner or the system (never an agent's amount the owner did not allow), and
 * only once the customer was emailed the amount, the card and the day (charge-notices.ts; the notice goes NOTICE_DAYS
 * before the due date). Each try is claimed in its own transaction (the invoice locked, skipped when another worker
 * holds it), sent to Stripe outside any transaction, and its outcome recorded in another.
 */
export async function runAutopay(services: Services): Promise<AutopayPass> {
  const now = services.now()
  // A day past UTC's: the businesses east of it may already be there; each one judges with its own today. Notices go
  // NOTICE_DAYS ahead of the charge.
  const through = addDays(localDate(now, 'UTC'), 1 + NOTICE_DAYS)
  const tenants = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from tenants_with_money_due($1)', [through]),
  )
  const pass: AutopayPass = { charged: 0, declined: 0, needsCustomer: 0, failures: [] }
  for (const { tenant_id: tenantId } of tenants.rows) {
    try {
      await chargeBusiness(services, tenantId, pass)
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'autopay failed for one business', { tenant_id: tenantId, error })
      pass.failures.push({ tenant_id: tenantId, job: 'autopay', error })
    }
  }
  return pass
}

/** One business's invoices due for a charge. */
async function chargeBusiness(services: Services, tenantId: string, pass: AutopayPass): Promise<void> {
  if (!paymentsOf(services)) return
  const requestId = `autopay-${services.now().toISOString()}`
  const scope = { tenantId, actorType: 'system' as const, requestId }
  // Read a page of due invoices at a time, each page after the last one's final invoice, until none is left.
  let after: { due_on: string; id: string } | null = null
  for (;;) {
    const page = await withTenant(services.db, scope, (tx) => dueInvoices(tx, services, after))
    for (const invoiceId of page.ids) {
      const claim = await withTenant(services.db, scope, (tx) => claimCharge(tx, services, tenantId, invoiceId, page.today, requestId))
      if (!claim) continue
      const outcome = await sendCharge(services, claim)
      const effects: Array<() => Promise<void>> = []
      const recorded = await withTenant(services.db, scope, (tx) =>
        recordCharge(services, tx, tenantId, claim, outcome, requestId, effects),
      )
      await runEffects(effects, requestId)
      if (recorded === 'succeeded') pass.charged++
      else if (recorded === 'declined') pass.declined++
      else if (recorded === 'needs_customer') pass.needsCustomer++
    }
    if (page.ids.length < BATCH || !page.last) return
    after = page.last
  }
}

/**
 * One page of the business's invoices due for a charge today or for its notice (due within NOTICE_DAYS), after the given
 * one (by due date and id). An amount an agent set alone is not among them: the owner allows it first (card.allow_charge).
 */
async function dueInvoices(tx: Queryable, services: Services, after: { due_on: string; id: string } | null) {
  const today = localDate(services.now(), (await loadTenantSettings(tx)).timezone)
  const r = await tx.query<{ id: string; due_on: string }>(
    `select i.id, i.due_on::text from invoices i join contacts c on c.id = i.contact_id
       join saved_cards s on s.contact_id = i.contact_id and s.replaced_at is null
      where i.status in ('sent', 'partially_paid', 'overdue') and i.amount_due_cents > 0 and i.due_on <= $1
        and i.archived_at is null and (i.autopay or c.autopay_at is not null) and i.amount_set_by <> 'agent'
        and ($2::date is null or (i.due_on, i.id) > ($2, $3::uuid))
      order by i.due_on, i.id limit ${BATCH}`,
    [addDays(today, NOTICE_DAYS), after?.due_on ?? null, after?.id ?? null],
  )
  const last = r.rows.at(-1)
  return { today, ids: r.rows.map((row) => row.id), last: last ? { due_on: last.due_on, id: last.id } : null }
}

/** A try as the claim reads it. */
interface Attempt {
  id: string
  attempt: number
  status: string
  amount_cents: number
  retry_on: string | null
  started_at: Date
  finished_at: Date | null
}

/**
 * Claims the next try of one invoice, or null when none is due: its first; the same try again when its worker was lost
 * mid-charge or Stripe could not be reached (same key: Stripe answers with the first charge if there was one); the next
 * after a decline on its retry day, or at once when the customer saved a new card since. A new try waits until the
 * customer was told of it (the amount, the card, the day); an invoice not yet due only has its notice sent.
 */
export async function claimCharge(
  tx: Queryable,
  services: Services,
  tenantId: string,
  invoiceId: string,
  today: string,
  requestId = `autopay-${services.now().toISOString()}`,
): Promise<ClaimedCharge | null> {
  const locked = await tx.query<{
    number: string
    contact_id: string
    amount_due_cents: number
    currency: string
    status: string
    due_on: string
    amount_set_by: string
  }>(
    `select number, contact_id, amount_due_cents, currency, status, due_on::text, amount_set_by from invoices
      where id = $1 for update skip locked`,
    [invoiceId],
  )
  const invoice = locked.rows[0]
  if (!invoice || invoice.amount_due_cents <= 0 || !['sent', 'partially_paid', 'overdue'].includes(invoice.status)) return null
  // An amount an agent set alone is never charged: the owner allows it first (card.allow_charge), whoever runs this.
  if (invoice.amount_set_by === 'agent') return null
  const card = (
    await tx.query<{ id: string; stripe_customer_id: string; payment_method_id: string; saved_at: Date }>(
      'select id, stripe_customer_id, payment_method_id, saved_at from saved_cards where contact_id = $1 and replaced_at is null',
      [invoice.contact_id],
    )
  ).rows[0]
  if (!card) return null
  const last = (
    await tx.query<Attempt>(
      `select id, attempt, status, amount_cents, retry_on::text, started_at, finished_at from autopay_attempts
        where invoice_id = $1 order by attempt desc limit 1`,
      [invoiceId],
    )
  ).rows[0]
  const claim = (attempt: number, attemptId: string, amountCents: number, cardIds = card): ClaimedCharge => ({
    attemptId,
    attempt,
    invoiceId,
    number: invoice.number,
    contactId: invoice.contact_id,
    key: chargeKey(tenantId, invoiceId, attempt),
    amountCents,
    currency: invoice.currency,
    customerId: cardIds.stripe_customer_id,
    paymentMethodId: cardIds.payment_method_id,
  })
  if (last && ['charging', 'error'].includes(last.status)) {
    if (services.now().getTime() - new Date(last.started_at).getTime() < STALE_MS) return null
    // The same try again, with the card and amount it was first sent with: the same request under the same key.
    const sent = (
      await tx.query<{ stripe_customer_id: string; payment_method_id: string }>(
        'select s.stripe_customer_id, s.payment_method_id from autopay_attempts a join saved_cards s on s.id = a.saved_card_id where a.id = $1',
        [last.id],
      )
    ).rows[0]
    await tx.query(`update autopay_attempts set status = 'charging', started_at = $2 where id = $1`, [last.id, services.now()])
    return claim(last.attempt, last.id, last.amount_cents, { ...card, ...sent })
  }
  if (last && !['declined', 'needs_customer'].includes(last.status)) return null
  if (last) {
    const newCard = last.finished_at !== null && new Date(card.saved_at).getTime() > new Date(last.finished_at).getTime()
    const retryDue = last.status === 'declined' && last.retry_on !== null && last.retry_on <= today
    if ((!newCard && !retryDue) || last.attempt >= 20) return null
  }
  const told = await customerWasTold(services, tx, {
    tenantId,
    invoiceId,
    contactId: invoice.contact_id,
    dueOn: invoice.due_on,
    cardId: card.id,
    amountCents: invoice.amount_due_cents,
    today,
    requestId,
  })
  if (!told || invoice.due_on > today) return null
  const attempt = (last?.attempt ?? 0) + 1
  const r = await tx.query<{ id: string }>(
    `insert into autopay_attempts (tenant_id, invoice_id, attempt, idempotency_key, saved_card_id, amount_cents, started_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [tenantId, invoiceId, attempt, chargeKey(tenantId, invoiceId, attempt), card.id, invoice.amount_due_cents, services.now()],
  )
  return claim(attempt, r.rows[0].id, invoice.amount_due_cents)
}

/** Sends one claimed try to Stripe; a Stripe that cannot be reached is an outcome too, tried again with the same key. */
export async function sendCharge(
  services: Services,
  claim: ClaimedCharge,
): Promise<OffSessionCharge | { status: 'error'; message: string }> {
  const payments = paymentsOf(services)
  if (!payments) return { status: 'error', message: 'Online payments are off' }
  try {
    return await payments.chargeOffSession(
      {
        customerId: claim.customerId,
        paymentMethodId: claim.paymentMethodId,
        amountCents: claim.amountCents,
        currency: claim.currency,
        description: `Invoice ${claim.number}`,
        metadata: { invoice_id: claim.invoiceId, autopay_attempt: String(claim.attempt) },
      },
      claim.key,
    )
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    return { status: 'error', message: err.message }
  }
}
