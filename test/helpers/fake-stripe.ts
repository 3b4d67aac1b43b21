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

/** A local server speaking Stripe's wire format for POST /v1/customers and POST /v1/checkout/sessions. */
export interface FakeStripe {
  /** Give the client this as its API base (host, port and protocol). */
  url: string
  requests: StripeRequest[]
  /** The checkout sessions created, by id. */
  sessions: Map<string, Record<string, any>>
  /** Queues a failure: the next request not yet failed answers with this HTTP status and Stripe error instead. */
  failNext(status: number, error: { type: string; message: string; code?: string }): void
  /** The fake's clock (sessions expire 24 hours after creation); tests may move it. */
  now: () => Date
  /** A session as Stripe shows it once the customer finished paying (or started a delayed payment). */
  completed(sessionId: string, overrides?: Record<string, unknown>): Record<string, any>
  close(): Promise<void>
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: StripeRequest[] = []
  const sessions = new Map<string, Record<string, any>>()
  const idempotent = new Map<string, { raw: string; path: string; status: number; response: unknown }>()
  const failures: Array<{ status: number; error: Record<string, unknown> }> = []
  let n = 0
  const fake: FakeStripe = {
    url: '',
    requests,
    sessions,
    failNext(status, error) {
      failures.push({ status, error })
    },
    now: () => new Date(),
    completed(sessionId, overrides = {}) {
      const s = sessions.get(sessionId)
      if (!s) throw new Error(`the fake has no session ${sessionId}`)
      return { ...s, status: 'complete', payment_status: 'paid', payment_intent: `pi_fake_${sessionId.slice(-6)}`, ...overrides }
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
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${++n}`, ...headers }).end(JSON.stringify(body))
      const path = (req.url ?? '').split('?')[0]
      const key = req.headers['idempotency-key'] as string | undefined
      const request: StripeRequest = {
        method: req.method ?? '',
        path,
        idempotencyKey: key ?? null,
        authorization: (req.headers.authorization as string | undefined) ?? null,
        body: decodeForm(raw),
      }
      requests.push(request)
      const f = failures.shift()
      if (f) return send(f.status, { error: f.error })
      if (!request.authorization?.startsWith('Bearer sk_')) {
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } })
      }
      if (key) {
        const seen = idempotent.get(key)
        if (seen && (seen.raw !== raw || seen.path !== path)) {
          return send(400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          })
        }
        if (seen) return send(seen.status, seen.response, { 'idempotent-replayed': 'true' })
      }
      const [status, response] = route(request)
      if (key && status < 500) idempotent.set(key, { raw, path, status, response })
      send(status, response)
    })
  })

  function route(r: StripeRequest): [number, unknown] {
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
      const lines: any[] = r.body.line_items ?? []
      const missing = ['mode', 'success_url'].find((f) => !r.body[f]) ?? (lines.length ? null : 'line_items')
      if (missing)
        return [400, { error: { type: 'invalid_request_error', message: `Missing required param: ${missing}.`, param: missing } }]
      const amount = lines.reduce((sum, l) => sum + Number(l.price_data?.unit_amount) * Number(l.quantity ?? 1), 0)
      const id = `cs_test_fake${++n}${Math.random().toString(36).slice(2, 8)}`
      const session = {
        id,
        object: 'checkout.session',
        mode: r.body.mode,
        status: 'open',
        payment_status: 'unpaid',
        livemode: false,
        created,
        expires_at: created + 24 * 3600,
        url: `https://checkout.stripe.test/c/pay/${id}`,
        amount_subtotal: amount,
        amount_total: amount,
        currency: lines[0]?.price_data?.currency ?? null,
        customer: r.body.customer ?? null,
        client_reference_id: r.body.client_reference_id ?? null,
        metadata: r.body.metadata ?? {},
        success_url: r.body.success_url,
        cancel_url: r.body.cancel_url ?? null,
        payment_intent: null,
      }
      sessions.set(id, session)
      return [200, session]
    }
    return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${r.method}: ${r.path}).` } }]
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

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
