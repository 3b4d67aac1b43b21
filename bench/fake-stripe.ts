import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Stripe from 'stripe'

/** One request the fake received: form body decoded into nested objects as Stripe reads it. */
export interface StripeRequest {
  method: string
  path: string
  idempotencyKey: string | null
  authorization: string | null
  body: Record<string, any>
}

/** How a saved test card behaves when charged, after Stripe's test cards (4242, 5555…4444, 0002, 9995, 3184, 0069). */
export type FakeCard = 'visa' | 'mastercard' | 'declines' | 'insufficient_funds' | 'authentication_required' | 'expired'

/** A response the fake holds back: the request has been acted on (a charge made) but not answered. */
export interface HeldResponse {
  /** Resolves with the request once it has arrived and been acted on. */
  arrived: Promise<StripeRequest>
  /** Sends the held response (nothing happens if the caller has gone). */
  release(): void
}

/** A local server speaking Stripe's wire format for customers, Checkout (payment and setup), setup intents, payment intents and refunds. */
export interface FakeStripe {
  /** Give the client this as its API base (host, port and protocol). */
  url: string
  requests: StripeRequest[]
  /** The checkout sessions created, by id. */
  sessions: Map<string, Record<string, any>>
  /** Every payment intent created, by id, declined ones included; a replayed idempotent request adds none. */
  paymentIntents: Map<string, Record<string, any>>
  /** Every refund made, by id. */
  refunds: Map<string, Record<string, any>>
  /** Queues a failure: the next request not yet failed answers with this HTTP status and Stripe error instead. */
  failNext(status: number, error: { type: string; message: string; code?: string }): void
  /** Holds the answer to the next request for this path (e.g. '/v1/payment_intents') until release(), to stop a caller mid-charge. */
  holdNext(path: string): HeldResponse
  /** The fake's clock (sessions expire 24 hours after creation); tests may move it. */
  now: () => Date
  /** A session as Stripe shows it once the customer finished paying (or started a delayed payment). */
  completed(sessionId: string, overrides?: Record<string, unknown>): Record<string, any>
  /** The customer saves a card on a setup-mode session: makes its SetupIntent and PaymentMethod and returns the completed session. */
  completeSetup(sessionId: string, card?: FakeCard): Record<string, any>
  /** Changes how a saved card behaves from now on (a card that starts declining). */
  setCard(paymentMethodId: string, card: FakeCard): void
  close(): Promise<void>
}

const CARDS: Record<FakeCard, { brand: string; last4: string }> = {
  visa: { brand: 'visa', last4: '4242' },
  mastercard: { brand: 'mastercard', last4: '4444' },
  declines: { brand: 'visa', last4: '0002' },
  insufficient_funds: { brand: 'visa', last4: '9995' },
  // 4000 0027 6000 3184 asks for authentication on every payment; 3155 would not once set up.
  authentication_required: { brand: 'visa', last4: '3184' },
  expired: { brand: 'visa', last4: '0069' },
}

/** The card errors Stripe answers (HTTP 402) when an off-session charge of such a card fails. */
const REFUSALS: Partial<Record<FakeCard, { code: string; decline_code: string; message: string }>> = {
  declines: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  insufficient_funds: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  expired: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' },
  authentication_required: {
    code: 'authentication_required',
    decline_code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
}

type Answer = [status: number, body: unknown, headers?: Record<string, string>]

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: StripeRequest[] = []
  const sessions = new Map<string, Record<string, any>>()
  const paymentIntents = new Map<string, Record<string, any>>()
  const refunds = new Map<string, Record<string, any>>()
  const setupIntents = new Map<string, Record<string, any>>()
  const paymentMethods = new Map<string, Record<string, any>>()
  const cardOf = new Map<string, FakeCard>()
  const setupData = new Map<string, { metadata: Record<string, string>; description: string | null }>()
  const idempotent = new Map<string, { raw: string; path: string; status: number; response: unknown }>()
  const failures: Array<{ status: number; error: Record<string, unknown> }> = []
  const holds: Array<{ path: string; arrive: (r: StripeRequest) => void; released: Promise<void> }> = []
  let n = 0
  const nextId = (prefix: string) => `${prefix}_fake${++n}${Math.random().toString(36).slice(2, 8)}`
  const fake: FakeStripe = {
    url: '',
    requests,
    sessions,
    paymentIntents,
    refunds,
    failNext(status, error) {
      failures.push({ status, error })
    },
    holdNext(path) {
      let arrive!: (r: StripeRequest) => void
      let release!: () => void
      const arrived = new Promise<StripeRequest>((r) => (arrive = r))
      holds.push({ path, arrive, released: new Promise<void>((r) => (release = r)) })
      return { arrived, release }
    },
    now: () => new Date(),
    completed(sessionId, overrides = {}) {
      const s = sessions.get(sessionId)
      if (!s) throw new Error(`the fake has no session ${sessionId}`)
      return { ...s, status: 'complete', payment_status: 'paid', payment_intent: `pi_fake_${sessionId.slice(-6)}`, ...overrides }
    },
    completeSetup(sessionId, card = 'visa') {
      const s = sessions.get(sessionId)
      if (s?.mode !== 'setup') throw new Error(`the fake has no setup session ${sessionId}`)
      if (s.status !== 'open') throw new Error(`setup session ${sessionId} is ${s.status}`)
      const created = Math.floor(fake.now().getTime() / 1000)
      const method = {
        id: nextId('pm'),
        object: 'payment_method',
        type: 'card',
        created,
        livemode: false,
        customer: s.customer,
        billing_details: { address: null, email: null, name: null, phone: null },
        card: { ...CARDS[card], exp_month: 12, exp_year: 2034, country: 'US', funding: 'credit' },
        metadata: {},
      }
      paymentMethods.set(method.id, method)
      cardOf.set(method.id, card)
      const data = setupData.get(sessionId)
      const intent = {
        id: nextId('seti'),
        object: 'setup_intent',
        status: 'succeeded',
        created,
        livemode: false,
        customer: s.customer,
        payment_method: method.id,
        payment_method_types: ['card'],
        usage: 'off_session',
        description: data?.description ?? null,
        metadata: data?.metadata ?? {},
        last_setup_error: null,
        next_action: null,
      }
      setupIntents.set(intent.id, intent)
      Object.assign(s, { status: 'complete', setup_intent: intent.id })
      return { ...s }
    },
    setCard(paymentMethodId, card) {
      if (!cardOf.has(paymentMethodId)) throw new Error(`the fake has no payment method ${paymentMethodId}`)
      cardOf.set(paymentMethodId, card)
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => {
      raw += chunk
    })
    req.on('end', async () => {
      const [path, query = ''] = (req.url ?? '').split('?')
      const key = req.headers['idempotency-key'] as string | undefined
      const request: StripeRequest = {
        method: req.method ?? '',
        path,
        idempotencyKey: key ?? null,
        authorization: (req.headers.authorization as string | undefined) ?? null,
        body: decodeForm(raw),
      }
      requests.push(request)
      const [status, body, headers = {}] = answer(request, raw, decodeForm(query))
      const hold = holds.findIndex((h) => h.path === path)
      if (hold >= 0) {
        const [{ arrive, released }] = holds.splice(hold, 1)
        arrive(request)
        await released
        if (res.destroyed) return
      }
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${++n}`, ...headers }).end(JSON.stringify(body))
    })
  })

  function answer(request: StripeRequest, raw: string, query: Record<string, any>): Answer {
    const f = failures.shift()
    if (f) return [f.status, { error: f.error }]
    if (!request.authorization?.startsWith('Bearer sk_')) {
      return [401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }]
    }
    const key = request.idempotencyKey
    if (key) {
      const seen = idempotent.get(key)
      if (seen && (seen.raw !== raw || seen.path !== request.path)) {
        return [
          400,
          {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          },
        ]
      }
      if (seen) return [seen.status, seen.response, { 'idempotent-replayed': 'true' }]
    }
    const [status, response] = route(request, query)
    if (key && status < 500) idempotent.set(key, { raw, path: request.path, status, response })
    return [status, response]
  }

  function route(r: StripeRequest, query: Record<string, any>): Answer {
    const created = Math.floor(fake.now().getTime() / 1000)
    if (r.method === 'POST' && r.path === '/v1/customers') {
      return [
        200,
        {
          id: `cus_fake_${++n}`,
          object: 'customer',
          created,
          livemode: false,
          name: r.body.name ?? null,
          email: r.body.email ?? null,
          phone: r.body.phone ?? null,
          metadata: r.body.metadata ?? {},
        },
      ]
    }
    if (r.method === 'POST' && r.path === '/v1/checkout/sessions') {
      const setup = r.body.mode === 'setup'
      const lines: any[] = r.body.line_items ?? []
      // Removed in API version 2026-09-30 in favour of allowed_payment_method_types.
      if (r.body.payment_method_types) return invalid('Received unknown parameter: payment_method_types', 'payment_method_types')
      const missing = setup
        ? (['success_url', 'customer'].find((f) => !r.body[f]) ??
          (r.body.currency || r.body.allowed_payment_method_types ? null : 'currency'))
        : (['mode', 'success_url'].find((f) => !r.body[f]) ?? (lines.length ? null : 'line_items'))
      if (missing) return missingParam(missing)
      if (setup && lines.length) return invalid('You can not pass `line_items` in `setup` mode.', 'line_items')
      const amount = setup ? null : lines.reduce((sum, l) => sum + Number(l.price_data?.unit_amount) * Number(l.quantity ?? 1), 0)
      const id = `cs_test_fake${++n}${Math.random().toString(36).slice(2, 8)}`
      const session = {
        id,
        object: 'checkout.session',
        mode: r.body.mode,
        status: 'open',
        payment_status: setup ? 'no_payment_required' : 'unpaid',
        livemode: false,
        created,
        expires_at: created + 24 * 3600,
        url: `https://checkout.stripe.test/c/pay/${id}`,
        amount_subtotal: amount,
        amount_total: amount,
        currency: setup ? r.body.currency : (lines[0]?.price_data?.currency ?? null),
        customer: r.body.customer ?? null,
        client_reference_id: r.body.client_reference_id ?? null,
        metadata: r.body.metadata ?? {},
        success_url: r.body.success_url,
        cancel_url: r.body.cancel_url ?? null,
        payment_method_types: r.body.allowed_payment_method_types ?? ['card'],
        payment_intent: null,
        setup_intent: null,
      }
      sessions.set(id, session)
      if (setup)
        setupData.set(id, {
          metadata: r.body.setup_intent_data?.metadata ?? {},
          description: r.body.setup_intent_data?.description ?? null,
        })
      return [200, session]
    }
    const setupIntentId = r.method === 'GET' && r.path.match(/^\/v1\/setup_intents\/([^/]+)$/)?.[1]
    if (setupIntentId) {
      const intent = setupIntents.get(setupIntentId)
      if (!intent) return missingResource(`No such setupintent: '${setupIntentId}'`, 'intent')
      const expand = Object.values(query.expand ?? {})
      return [200, expand.includes('payment_method') ? { ...intent, payment_method: paymentMethods.get(intent.payment_method) } : intent]
    }
    if (r.method === 'POST' && r.path === '/v1/payment_intents') return createPaymentIntent(r.body, created)
    if (r.method === 'POST' && r.path === '/v1/refunds') return createRefund(r.body, created)
    return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${r.method}: ${r.path}).` } }]
  }

  function createPaymentIntent(body: Record<string, any>, created: number): Answer {
    const missing = ['amount', 'currency', 'customer', 'payment_method'].find((f) => !body[f])
    if (missing) return missingParam(missing)
    const amount = Number(body.amount)
    if (!Number.isInteger(amount) || amount < 0) return invalid(`Invalid integer: ${body.amount}`, 'amount', 'parameter_invalid_integer')
    if (amount < 50) return invalid('Amount must be at least $0.50 usd', 'amount', 'amount_too_small')
    const method = paymentMethods.get(body.payment_method)
    if (!method) return missingResource(`No such PaymentMethod: '${body.payment_method}'`, 'payment_method')
    const intent: Record<string, any> = {
      id: nextId('pi'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: body.currency,
      customer: body.customer,
      payment_method: method.id,
      payment_method_types: ['card'],
      description: body.description ?? null,
      metadata: body.metadata ?? {},
      capture_method: 'automatic',
      confirmation_method: 'automatic',
      client_secret: `pi_secret_fake${++n}`,
      created,
      livemode: false,
      latest_charge: null,
      last_payment_error: null,
      next_action: null,
      status: 'requires_confirmation',
    }
    paymentIntents.set(intent.id, intent)
    if (body.confirm !== 'true') return [200, intent]
    const card = cardOf.get(method.id)!
    const refusal = REFUSALS[card]
    if (card === 'authentication_required' && body.off_session !== 'true') {
      Object.assign(intent, { status: 'requires_action', next_action: { type: 'use_stripe_sdk', use_stripe_sdk: {} } })
      return [200, intent]
    }
    const charge = nextId('ch')
    if (!refusal) {
      Object.assign(intent, { status: 'succeeded', amount_received: amount, latest_charge: charge })
      return [200, intent]
    }
    const error = {
      type: 'card_error',
      ...refusal,
      doc_url: `https://stripe.com/docs/error-codes/${refusal.code.replace(/_/g, '-')}`,
      charge,
      payment_method: method,
    }
    Object.assign(intent, { status: 'requires_payment_method', latest_charge: charge, last_payment_error: error })
    return [402, { error: { ...error, payment_intent: intent } }]
  }

  function createRefund(body: Record<string, any>, created: number): Answer {
    if (!body.payment_intent) return missingParam('payment_intent')
    const intent = paymentIntents.get(body.payment_intent)
    if (!intent) return missingResource(`No such payment_intent: '${body.payment_intent}'`, 'payment_intent')
    if (intent.status !== 'succeeded') return invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`)
    const refunded = [...refunds.values()].filter((f) => f.payment_intent === intent.id).reduce((sum, f) => sum + f.amount, 0)
    const remaining = intent.amount_received - refunded
    if (remaining <= 0) return invalid(`Charge ${intent.latest_charge} has already been refunded.`, undefined, 'charge_already_refunded')
    const amount = body.amount === undefined ? remaining : Number(body.amount)
    if (!Number.isInteger(amount) || amount <= 0)
      return invalid(`Invalid positive integer: ${body.amount}`, 'amount', 'parameter_invalid_integer')
    if (amount > remaining)
      return invalid(
        `Refund amount ($${dollars(amount)}) is greater than unrefunded amount on charge ($${dollars(remaining)})`,
        'amount',
        'amount_too_large',
      )
    const refund = {
      id: nextId('re'),
      object: 'refund',
      amount,
      currency: intent.currency,
      payment_intent: intent.id,
      charge: intent.latest_charge,
      status: 'succeeded',
      reason: body.reason ?? null,
      metadata: body.metadata ?? {},
      created,
    }
    refunds.set(refund.id, refund)
    return [200, refund]
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

const invalid = (message: string, param?: string, code?: string): Answer => [
  400,
  { error: { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) } },
]
const missingParam = (param: string): Answer => invalid(`Missing required param: ${param}.`, param, 'parameter_missing')
const missingResource = (message: string, param: string): Answer => [
  404,
  { error: { type: 'invalid_request_error', code: 'resource_missing', message, param } },
]
const dollars = (cents: number) => (cents / 100).toFixed(2)

/** Decodes Stripe's form encoding (a[b][0][c]=v) into nested objects and arrays. */
export function decodeForm(raw: string): Record<string, any> {
  const root: Record<string, any> = {}
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = key.replace(/\]/g, '').split('[')
    let node: any = root
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        node[part] = value
        return
      }
      node[part] ??= /^\d+$/.test(path[i + 1]) ? [] : {}
      node = node[part]
    })
  }
  return root
}

/** An event as Stripe delivers it, wrapping one object. */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  id = `evt_fake_${Math.random().toString(36).slice(2, 12)}`,
): Record<string, unknown> {
  return {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  }
}

/** The body and Stripe-Signature header of a delivery, signed with the real algorithm and the given secret. */
export function signedDelivery(event: unknown, secret: string): { body: string; signature: string } {
  const body = JSON.stringify(event)
  return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) }
}
