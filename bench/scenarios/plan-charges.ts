import { createPaymentsClient, paymentsOf } from '../../core/clients/payments.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Services } from '../../core/kernel/context.js'
import { runAutopay } from '../../core/domains/autopay/autopay.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { issueDueRecurringInvoices } from '../../core/domains/recurring-invoices/issue.js'
import { migrate } from '../../core/db/migrate.js'
import { openPostgres } from '../../core/db/postgres.js'
import { withTenant } from '../../core/db/tenant.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { createServices } from '../../api/product.js'
import { startFakeResend } from '../fake-resend.js'
import { type FakeCard, type FakeStripe, startFakeStripe } from '../fake-stripe.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { BenchRow, Scenario } from '../scenario.js'

/** Customers on a monthly plan, each with a saved card; one in this many declines, one in PROMPTED asks for the customer. */
const CUSTOMERS = 1_000
const DECLINES_EVERY = 20
const PROMPTED_EVERY = 50
/** The days of the month a pass runs on: the charge day, then the retries 1, 3 and 5 days after it. */
const DAYS = [0, 1, 3, 5]

/**
 * A month's plan charges for 1,000 customers (BENCH_PLAN_CUSTOMERS) on PostgreSQL, through the fake Stripe over HTTP:
 * the plans' invoices issued on their day, charged off-session by two autopay passes at once, and the declined ones
 * (one in 20) tried again on days 1, 3 and 5. Prints the time, the requests Stripe received, and how many invoices were
 * charged twice (the idempotency keys and the claim keep that at 0).
 */
export const planCharges: Scenario = {
  name: 'plan charges (PostgreSQL)',
  needs: 'postgres',
  async run(settings) {
    const customers = Number(process.env.BENCH_PLAN_CUSTOMERS ?? CUSTOMERS)
    const scratch = await createScratchDatabase(settings.databaseUrl, 'plans')
    const stripe = await startFakeStripe()
    const resend = await startFakeResend()
    const db = openPostgres(scratch.url, 8)
    try {
      setLogLevel('silent')
      await migrate(db)
      const tenant = await createTenant(db, { name: 'Plan Windows', owner_email: 'owner@plans.example' })
      const clock = { now: new Date('2026-12-01T15:00:00Z') }
      stripe.now = () => clock.now
      const payments = createPaymentsClient({ secretKey: 'sk_test_bench', webhookSecret: 'whsec_bench', apiBase: stripe.url })
      // Customers are emailed before each charge: the provider, without its per-second limit (the delivery bench has it).
      const config = {
        ...loadConfig({
          LOG_LEVEL: 'silent',
          PORT: '0',
          RESEND_API_KEY: resend.apiKey,
          RESEND_BASE_URL: resend.url,
          RESEND_MAX_PER_SECOND: '100000',
        }),
        logLevel: 'silent' as const,
      }
      const services: Services = { ...createServices(config, db, { llm: null, integrations: { stripe: payments } }), now: () => clock.now }
      const seedStart = performance.now()
      await seed(services, stripe, tenant.tenant_id, customers)
      const seedMs = performance.now() - seedStart
      const issueStart = performance.now()
      await issueDueRecurringInvoices(services)
      const issueMs = performance.now() - issueStart
      // The charge day's first pass emails each customer the amount, the card and the day; the charges follow once sent.
      const noticeStart = performance.now()
      await Promise.all([runAutopay(services), runAutopay(services)])
      const notices = await deliverDue(services)
      const noticeMs = performance.now() - noticeStart
      const before = stripe.requests.length
      const chargeTimes: number[] = []
      for (const day of DAYS) {
        clock.now = new Date(Date.parse('2026-12-01T15:00:00Z') + day * 86_400_000 + 60_000)
        const start = performance.now()
        // Two workers at once, as two processes would run them.
        await Promise.all([runAutopay(services), runAutopay(services)])
        chargeTimes.push(performance.now() - start)
      }
      const requests = stripe.requests.slice(before).filter((r) => r.path === '/v1/payment_intents')
      const succeeded = new Map<string, number>()
      for (const pi of stripe.paymentIntents.values())
        if (pi.status === 'succeeded') succeeded.set(pi.metadata.invoice_id, (succeeded.get(pi.metadata.invoice_id) ?? 0) + 1)
      const doubled = [...succeeded.values()].filter((n) => n > 1).length
      const state = await withTenant(db, { tenantId: tenant.tenant_id, actorType: 'system' }, async (tx) => {
        const r = await tx.query<{ paid: number; payments_twice: number; failing: number; tries: string }>(
          `select (select count(*) from invoices where status = 'paid')::int as paid,
                  (select string_agg(k || ' ' || n, ', ' order by k) from (select 'try ' || attempt || ' ' || status as k, count(*) as n
                     from autopay_attempts group by attempt, status) t) as tries,
                  (select count(*) from (select invoice_id from payments group by invoice_id having count(*) > 1) x)::int as payments_twice,
                  (select count(*) from invoices where status <> 'paid' and autopay)::int as failing`,
        )
        return r.rows[0]
      })
      const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
      return [
        { measure: 'customers on a monthly plan with a saved card', value: String(customers), note: `seeded in ${seconds(seedMs)}` },
        { measure: "the plans' invoices issued on their day", value: seconds(issueMs) },
        {
          measure: 'notices emailed before the charges',
          value: seconds(noticeMs),
          note: `${notices.sent} sent: each customer told the amount, the card and the day before any charge`,
        },
        {
          measure: 'charge day, two autopay passes at once',
          value: seconds(chargeTimes[0]),
          note: `${Math.round(customers / (chargeTimes[0] / 1000))} charges a second`,
        },
        { measure: 'retries on days 1, 3 and 5', value: chargeTimes.slice(1).map(seconds).join(', ') },
        {
          measure: 'requests to Stripe to charge',
          value: String(requests.length),
          note: `${stripe.paymentIntents.size} PaymentIntents; replays answered from the idempotency key: ${requests.length - stripe.paymentIntents.size}`,
        },
        { measure: 'tries at charging, by outcome', value: String(state.tries) },
        {
          measure: 'invoices paid by card',
          value: String(state.paid),
          note: `${state.failing} still owed after the last retry (declining cards, or the customer must confirm)`,
        },
        {
          measure: 'invoices charged twice',
          value: String(doubled + state.payments_twice),
          target: '0',
          met: doubled + state.payments_twice === 0,
        },
      ] satisfies BenchRow[]
    } finally {
      await db.close()
      await stripe.close()
      await resend.close()
      await scratch.drop()
    }
  },
}

/** The customers, each with a card saved through a real setup session of the fake, and an active monthly plan billed from today. */
async function seed(services: Services, stripe: FakeStripe, tenantId: string, customers: number): Promise<void> {
  const payments = paymentsOf(services)!
  const cards: Array<{ customer: string; pm: string; session: string }> = []
  for (let i = 0; i < customers; i++) {
    const customer = (await payments.createCustomer({ name: `Plan ${i}`, email: null, phone: null, metadata: {} }, `bench-c-${i}`)).id
    const session = await payments.createSetupSession(
      {
        customerId: customer,
        successUrl: 'https://x.example/ok',
        cancelUrl: 'https://x.example/no',
        metadata: {},
        currency: 'USD',
        description: 'Plan',
      },
      `bench-s-${i}`,
    )
    const card: FakeCard = i % PROMPTED_EVERY === 1 ? 'authentication_required' : i % DECLINES_EVERY === 0 ? 'insufficient_funds' : 'visa'
    const completed = stripe.completeSetup(session.id, card)
    const saved = await payments.savedCardOf(String(completed.setup_intent))
    cards.push({ customer, pm: saved.paymentMethodId, session: session.id })
  }
  await withTenant(services.db, { tenantId, actorType: 'system' }, async (tx) => {
    const plan = await tx.query<{ id: string }>(
      `insert into plans (tenant_id, name, price_cents, currency, cycle, term_cycles) values ($1, 'Monthly windows', 4500, 'USD', 'monthly', 12)
       returning id`,
      [tenantId],
    )
    await tx.query(
      `with c as (
         insert into contacts (tenant_id, display_name, emails)
           select $1, 'Plan ' || n, jsonb_build_array(jsonb_build_object('value', 'plan' || n || '@bench.example'))
           from generate_series(0, $2 - 1) n returning id, display_name),
       numbered as (select id, substring(display_name from 6)::int as n from c),
       cards as (
         insert into saved_cards (tenant_id, contact_id, stripe_customer_id, payment_method_id, brand, last4, exp_month, exp_year,
           mandate_text, setup_session_id)
         select $1, numbered.id, ($4::text[])[numbered.n + 1], ($5::text[])[numbered.n + 1], 'visa', '4242', 12, 2030,
           'I authorize Plan Windows to charge this card for the Monthly windows plan.', ($6::text[])[numbered.n + 1]
         from numbered returning contact_id),
       plans as (
         insert into customer_plans (tenant_id, plan_id, contact_id, name, price_cents, currency, cycle, term_cycles, renews, starts_on, status, accepted_at)
         select $1, $3, contact_id, 'Monthly windows', 4500, 'USD', 'monthly', 12, true, '2026-12-01', 'active', now() from cards
         returning id, contact_id)
       insert into recurring_invoices (tenant_id, contact_id, customer_plan_id, line_items, currency, cycle, starts_on, next_issue_on)
       select $1, contact_id, id, '[{"description": "Monthly windows plan", "quantity": 1, "unit_price_cents": 4500, "taxable": false}]',
         'USD', 'monthly', '2026-12-01', '2026-12-01' from plans`,
      [tenantId, customers, plan.rows[0].id, cards.map((c) => c.customer), cards.map((c) => c.pm), cards.map((c) => c.session)],
    )
  })
}
