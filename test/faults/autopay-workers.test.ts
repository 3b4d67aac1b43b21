import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { withTenant } from '../../core/db/tenant.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { type FakeResend, startFakeResend } from '../helpers/fake-resend.js'
import { type FakeStripe, startFakeStripe } from '../helpers/fake-stripe.js'
import { builtCli } from '../helpers/build.js'
import { until } from './traffic.js'

/** Invoices due today, each of a customer with a saved card, charged by autopay. */
const INVOICES = 12

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'autopay with real worker processes on PostgreSQL: killed mid-charge, and two at once',
  () => {
    let t: TestDatabase
    let stripe: FakeStripe
    let resend: FakeResend
    let tenantId: string
    let invoiceIds: string[]

    /** A `crm worker` process run against the fake Stripe; resolves with its exit once it ends. */
    const worker = (...args: string[]): { child: ChildProcess; ended: Promise<number | null>; output: () => string } => {
      const child = spawn(process.execPath, [builtCli, 'worker', ...args], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: t.url!,
          STRIPE_SECRET_KEY: 'sk_test_workers',
          STRIPE_WEBHOOK_SECRET: 'whsec_workers',
          STRIPE_API_BASE: stripe.url,
          // A provider that delivers: autopay charges only customers who were emailed of the charge.
          RESEND_API_KEY: resend.apiKey,
          RESEND_BASE_URL: resend.url,
          LOG_LEVEL: 'warn',
          CRM_GEOCODER: 'off',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      child.stdout!.on('data', (d) => (out += d))
      child.stderr!.on('data', (d) => (out += d))
      return { child, ended: new Promise((resolve) => child.on('close', (code) => resolve(code))), output: () => out }
    }
    const sql = <T = any>(text: string, values: unknown[] = []) =>
      withTenant(t.db, { tenantId, actorType: 'system' }, async (tx) => (await tx.query(text, values)).rows as T[])
    /** The succeeded charges Stripe made for each invoice. */
    const chargesOf = (invoiceId: string) =>
      [...stripe.paymentIntents.values()].filter((pi) => pi.metadata?.invoice_id === invoiceId && pi.status === 'succeeded').length

    beforeAll(async () => {
      t = await freshDatabase('postgres')
      stripe = await startFakeStripe()
      resend = await startFakeResend()
      tenantId = (await createTenant(t.db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })).tenant_id
      const payments = createPaymentsClient({ secretKey: 'sk_test_workers', apiBase: stripe.url })
      // Each customer saves a card through a setup session, as on the card page.
      const cards: Array<{ customer: string; pm: string; session: string }> = []
      for (let i = 0; i < INVOICES; i++) {
        const customer = (await payments.createCustomer({ name: `Card ${i}`, email: null, phone: null, metadata: {} }, `w-c-${i}`)).id
        const session = await payments.createSetupSession(
          {
            customerId: customer,
            successUrl: 'https://x.test/ok',
            cancelUrl: 'https://x.test/no',
            metadata: {},
            currency: 'USD',
            description: 'Plan',
          },
          `w-s-${i}`,
        )
        const saved = await payments.savedCardOf(String(stripe.completeSetup(session.id, 'visa').setup_intent))
        cards.push({ customer, pm: saved.paymentMethodId, session: session.id })
      }
      invoiceIds = await withTenant(t.db, { tenantId, actorType: 'system' }, async (tx) => {
        const ids: string[] = []
        for (const [i, card] of cards.entries()) {
          const contact = await tx.query<{ id: string }>(`insert into contacts (tenant_id, display_name) values ($1, $2) returning id`, [
            tenantId,
            `Card ${i}`,
          ])
          await tx.query(
            `insert into saved_cards (tenant_id, contact_id, stripe_customer_id, payment_method_id, brand, last4, exp_month, exp_year, mandate_text, setup_session_id)
           values ($1, $2, $3, $4, 'visa', '4242', 12, 2030, 'I authorize it.', $5)`,
            [tenantId, contact.rows[0].id, card.customer, card.pm, card.session],
          )
          const invoice = await tx.query<{ id: string }>(
            `insert into invoices (tenant_id, number, contact_id, status, currency, issued_on, due_on, subtotal_cents, total_cents, sent_at, autopay, amount_set_by)
           values ($1, $2, $3, 'sent', 'USD', current_date - 1, current_date - 1, 4500, 4500, now(), true, 'system') returning id`,
            [tenantId, `INV-W-${i}`, contact.rows[0].id],
          )
          // The customer was told of the charge yesterday: the amount, the card and the day.
          await tx.query(
            `with m as (insert into scheduled_messages (tenant_id, contact_id, kind, invoice_id, send_at, status, sent_at)
                        values ($1, $2, 'charge_notice', $3, now() - interval '1 day', 'sent', now() - interval '1 day') returning id)
             insert into autopay_notices (tenant_id, invoice_id, saved_card_id, amount_cents, charge_on, message_id)
             select $1, $3, s.id, 4500, current_date - 1, m.id from m, saved_cards s where s.contact_id = $2`,
            [tenantId, contact.rows[0].id, invoice.rows[0].id],
          )
          ids.push(invoice.rows[0].id)
        }
        return ids
      })
    }, 120_000)
    afterAll(async () => {
      await stripe?.close()
      await resend?.close()
      await t?.dispose()
    })

    it('a worker killed after Stripe charged but before it recorded: the try is sent again with its key, one charge and one payment', async () => {
      const held = stripe.holdNext('/v1/payment_intents')
      const first = worker()
      await held.arrived
      // Stripe has charged; the worker dies before it hears so.
      first.child.kill('SIGKILL')
      await first.ended
      held.release()
      const [charging] = await sql<{ invoice_id: string; status: string; idempotency_key: string }>(
        `select invoice_id, status, idempotency_key from autopay_attempts where status = 'charging'`,
      )
      expect(charging.status).toBe('charging')
      expect(chargesOf(charging.invoice_id)).toBe(1)
      // Two minutes on, its try is stale: two workers drain at once.
      await sql(`update autopay_attempts set started_at = started_at - interval '3 minutes' where status = 'charging'`)
      const [a, b] = [worker('--drain'), worker('--drain')]
      expect(await a.ended, a.output()).toBe(0)
      expect(await b.ended, b.output()).toBe(0)
      await until('every invoice paid', async () => (await sql(`select 1 from invoices where status <> 'paid'`)).length === 0, 30_000)
      for (const id of invoiceIds) expect(chargesOf(id), id).toBe(1)
      const payments = await sql<{ invoice_id: string; n: number }>(
        'select invoice_id, count(*)::int as n from payments group by invoice_id',
      )
      expect(payments.length).toBe(INVOICES)
      expect(payments.every((p) => p.n === 1)).toBe(true)
      // The killed try was answered from its key, not charged again.
      const replays = stripe.requests.filter((r) => r.idempotencyKey === charging.idempotency_key)
      expect(replays.length).toBe(2)
    }, 180_000)
  },
)
