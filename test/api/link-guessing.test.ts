import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../api/app.js'
import { loadConfig } from '../../core/kernel/config.js'
import { issueCardLink } from '../../core/domains/autopay/card-links.js'
import { issuePayLink } from '../../core/domains/invoices/pay-links.js'
import { issueResponseLinks } from '../../core/domains/messages/response-links.js'
import { issueQuoteLinks } from '../../core/domains/quotes/quote-links.js'
import { issueStopLink } from '../../core/domains/reach-outs/stop-links.js'
import { LINK_KINDS } from '../../core/links/declared-links.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { asTenant, made } from '../helpers/fixtures.js'
import { seedLinkedRecords } from '../helpers/linked-records.js'
import { awayFromWindowEdge } from '../helpers/rate-windows.js'
import { routesOf } from '../helpers/routes.js'

// Generated from the link kinds the domains declare (core/links/declared-links.ts): every kind is minted for real here,
// and every route under its page is guessed at. A newly declared kind fails the first test until it is given a way to
// mint it below.

/** The records a business has once it has sent what carries each kind of link. */
interface Seeded {
  app: TestApp
  jane: string
  ticketId: string
  quoteId: string
  quoteMessageId: string
  invoiceId: string
  confirmationId: string
}

/** Makes one real link of a kind, as delivery or an action would, and answers its path (with any query its email adds). */
type Mint = (s: Seeded) => Promise<string>

/** Unknown secrets one client may present in a window before it is refused (core/http/link-guesses.ts). */
const ALLOWED = 20

const pathOf = (url: string) => {
  const u = new URL(url)
  return u.pathname + u.search
}
/** The newest email's link of the given page, as a path. */
const emailedLink = (app: TestApp, pattern: RegExp) => {
  const found = app.email.sent.map((m) => pattern.exec(m.text)?.[0]).filter(Boolean)
  expect(found.length, String(pattern)).toBeGreaterThan(0)
  return pathOf(String(found.at(-1)))
}

/** For each declared link kind: its pages and how to mint a real link to each. */
const MINTS: Record<string, Record<string, Mint>> = {
  calendar_feed: {
    feed: async ({ app }) => pathOf((await app.ownerAction('calendar_feed', 'create', { user_id: null })).https_url),
  },
  pay_link: {
    invoice: ({ app, invoiceId }) =>
      asTenant(app, async (tx) => pathOf(await issuePayLink(tx, app.services, app.tenant.tenant_id, invoiceId))),
  },
  response_link: {
    appointment: ({ app, confirmationId, ticketId }) =>
      asTenant(app, async (tx) => {
        const links = await issueResponseLinks(tx, app.services, app.tenant.tenant_id, {
          id: confirmationId,
          kind: 'confirmation',
          ticket_id: ticketId,
        })
        return pathOf(String(links.confirm_link))
      }),
    quote: ({ app, quoteMessageId, quoteId }) =>
      asTenant(app, async (tx) => {
        const links = await issueQuoteLinks(tx, app.services, app.tenant.tenant_id, {
          id: quoteMessageId,
          kind: 'quote',
          quote_id: quoteId,
        })
        return pathOf(String(links.quote_accept_link))
      }),
  },
  slot_offer: {
    offer: async ({ app, jane }) => {
      const service = await made(app, 'service', 'create', {
        name: 'Gutter clearing',
        pricing: 'fixed',
        price_cents: 9_000,
        default_duration_minutes: 60,
      })
      // A Wednesday over a week ahead, 15:00 UTC: within the business's hours in Chicago.
      let day = Math.floor(Date.now() / 86_400_000) + 8
      while (new Date(day * 86_400_000).getUTCDay() !== 3) day++
      await app.ownerAction('slot_offer', 'send', {
        contact_id: jane,
        service_ids: [service.id],
        slots: [{ start: new Date(day * 86_400_000 + 15 * 3_600_000).toISOString(), technician_id: app.tenant.owner_user_id }],
      })
      return emailedLink(app, /https?:\/\/[^\s]+\/offer\/[\w-]{43}/)
    },
  },
  approval_link: {
    review: async ({ app }) => {
      const contact = await made(app, 'contact', 'create', { display_name: 'Dee Duplicate' })
      expect((await app.action('contact', 'delete', { contact_id: contact.id }, { reasoning: 'a duplicate' })).status).toBe(202)
      return emailedLink(app, /https?:\/\/[^\s]+\/approve\/[\w-]{43}\?decision=allow_once/)
    },
  },
  reach_out_stop: {
    stop: ({ app, confirmationId, jane }) =>
      asTenant(app, async (tx) => {
        const links = await issueStopLink(tx, app.services, app.tenant.tenant_id, {
          id: confirmationId,
          kind: 'reach_out',
          contact_id: jane,
        })
        return pathOf(String(links.stop_link))
      }),
  },
  card_link: {
    card: ({ app, jane }) =>
      asTenant(app, async (tx) => {
        const links = await issueCardLink(tx, app.services, app.tenant.tenant_id, {
          kind: 'card_request',
          contact_id: jane,
          invoice_id: null,
          customer_plan_id: null,
        })
        return pathOf(String(links.card_link))
      }),
  },
}

/** Every page of every declared kind of link, in the order the kinds are found. */
const PAGES = LINK_KINDS.flatMap(({ kind }) =>
  Object.entries(MINTS[kind] ?? {}).map(([page, mint]) => ({ name: `${kind} ${page}`, kind, mint })),
)

/** A secret of a link's shape that no link has: 43 characters, distinct per `n`. */
const wrongSecret = (n: number) => `Wrong${String(n).padStart(4, '0')}`.padEnd(43, 'x')

describe.each(engines)('guessing at every kind of secret link (%s)', (engine) => {
  let app: TestApp
  let routes: Array<{ method: string; path: string }>
  /** Each page's real link and the routes under its address. */
  const found = new Map<string, { real: string; routes: Array<{ method: string; path: string }> }>()

  const from = (client: string, path: string, method = 'GET') =>
    fetch(app.url + path, {
      method,
      redirect: 'manual',
      headers: { 'x-forwarded-for': client },
      // What the pages' forms post, so a guess looks like a customer's answer.
      body:
        method === 'POST'
          ? new URLSearchParams({ answer: 'accept', decision: 'deny', request_id: '00000000-0000-4000-8000-000000000000' })
          : undefined,
    })
  /** The route's address with `secret` in the place of the real link's secret (and the same ending, such as .ics). */
  const guessAt = (real: string, route: string, secret: string) => {
    const ending = /^[\w-]{43}(.*)$/.exec(real.split('/')[2].split('?')[0])?.[1] ?? ''
    return route.replace(/:\w+/, secret + ending)
  }
  /** The app's GET route of a real link's own page: its first segment, then the secret as the route's parameter. */
  const routeOf = (real: string) =>
    routes.find((r) => r.method === 'GET' && new RegExp(`^/${real.split('/')[1]}/:\\w+$`).test(r.path))?.path
  /** An answer with what differs per request or per presented secret taken out. */
  const answerOf = async (res: Response, secrets: string[]) => {
    let body = (await res.text()).replace(/nonce-[\w+/=-]+|nonce="[^"]*"/g, 'nonce')
    for (const s of secrets) body = body.replaceAll(s, 'SECRET')
    return { status: res.status, type: res.headers.get('content-type'), body }
  }

  beforeAll(async () => {
    // Clients are told apart by the address the proxy in front names (X-Forwarded-For from loopback).
    app = await startTestApp(engine, {
      config: { ...loadConfig({ PORT: '0', LOG_LEVEL: 'silent', TRUST_PROXY: 'loopback' }), logLevel: 'silent' },
    })
    app.services.config.publicBaseUrl = app.url
    const { jane, quote, sent, ticket, invoice, confirmation } = await seedLinkedRecords(app)
    const seeded: Seeded = {
      app,
      jane,
      ticketId: ticket.id,
      quoteId: quote.id,
      quoteMessageId: sent.message.id,
      invoiceId: invoice.id,
      confirmationId: confirmation.id,
    }
    routes = routesOf(createApp(app.services))
    for (const [n, page] of PAGES.entries()) {
      const real = await page.mint(seeded)
      const prefix = `/${real.split('/')[1]}/:`
      const under = routes.filter((r) => r.path.startsWith(prefix))
      // Routes under the same address for signed-in people (a feed's revoke button) send a stranger to sign in first.
      const forStrangers = []
      for (const route of under) {
        const res = await from(`192.0.2.${200 + n}`, guessAt(real, route.path, wrongSecret(0)), route.method)
        if (!(res.status === 303 && res.headers.get('location') === '/')) forStrangers.push(route)
      }
      found.set(page.name, { real, routes: forStrangers })
    }
  })
  afterAll(() => app?.close())

  it('every declared kind of link is minted here, with at least one page', () => {
    expect(Object.keys(MINTS).sort()).toEqual(LINK_KINDS.map((k) => k.kind).sort())
    for (const { kind } of LINK_KINDS) expect(Object.keys(MINTS[kind]).length, kind).toBeGreaterThan(0)
  })

  it.each(PAGES)('$name: its real link is served, under an address the app routes', async ({ name }) => {
    const page = found.get(name)!
    expect(routeOf(page.real), page.real).toBeDefined()
    expect(
      page.routes.map((r) => r.path),
      page.real,
    ).toContain(routeOf(page.real))
    expect((await from('192.0.2.250', page.real)).status, page.real).toBe(200)
  })

  it.each(PAGES)('$name: a wrong secret answers as a malformed one does, on every route of the page', async ({ name }) => {
    const page = found.get(name)!
    for (const [i, route] of page.routes.entries()) {
      // A client of its own per route: these few guesses stay under the limit.
      const client = `192.0.2.${PAGES.findIndex((p) => p.name === name) * 10 + i + 1}`
      const secrets = [wrongSecret(1), wrongSecret(2), 'nope']
      const answers = []
      for (const s of secrets) answers.push(await answerOf(await from(client, guessAt(page.real, route.path, s), route.method), secrets))
      expect(answers[0].status, `${route.method} ${route.path}`).toBe(404)
      expect(answers[1], `${route.method} ${route.path}`).toEqual(answers[0])
      expect(answers[2], `${route.method} ${route.path}`).toEqual(answers[0])
    }
  })

  it.each(PAGES)(
    '$name: a client past the limit of wrong secrets is refused on every route; the real link still opens',
    async ({ name }) => {
      const page = found.get(name)!
      for (const [i, route] of page.routes.entries()) {
        const at = `${route.method} ${route.path}`
        const guesser = `198.51.100.${PAGES.findIndex((p) => p.name === name) * 10 + i + 1}`
        await awayFromWindowEdge()
        for (let n = 0; n < ALLOWED; n++)
          expect((await from(guesser, guessAt(page.real, route.path, wrongSecret(n)), route.method)).status, at).toBe(404)
        const refused = await from(guesser, guessAt(page.real, route.path, wrongSecret(ALLOWED)), route.method)
        expect(refused.status, at).toBe(429)
        expect(Number(refused.headers.get('retry-after')), at).toBeGreaterThan(0)
        expect(((await refused.json()) as { error: { code: string; message: string } }).error, at).toMatchObject({
          code: 'RATE_LIMITED',
          message: expect.stringMatching(/^Too many unknown links from this address; try again in \d+ s$/),
        })
        // The real secret is never counted: it opens for the refused client and for any other.
        expect((await from(guesser, page.real)).status, at).toBe(200)
        expect((await from('203.0.113.99', page.real)).status, at).toBe(200)
      }
    },
  )
})
