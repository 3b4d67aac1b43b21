// The integrations the unknown-answer walks switch (test/registry/unknown-answers*.test.ts), each as its local fake, and
// the ways to run the product: every integration on, or one (or all) of them off (settings unset) or unreachable (a closed port).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startFakeCensusGeocoder } from '../../bench/fake-census-geocoder.js'
import { startFakeNws } from '../../bench/fake-nws.js'
import { startFakeRoadRouter } from '../../bench/fake-road-router.js'
import type { Services } from '../../core/kernel/context.js'
import { startFakeResend } from './fake-resend.js'
import { startFakeStripe } from './fake-stripe.js'
import { type GoogleFixture, googleFixture } from './google.js'
import { quickbooksFixture } from './quickbooks.js'

/** An integration as the walk switches it: the settings that turn it on, the words that name it, and its address. */
export interface Integration {
  name: string
  named: RegExp
  on: Record<string, string>
  /** What its settings read when it is off (beside leaving its own settings out). */
  off: Record<string, string>
  url: string
  /** Its own on/off fields, whose false is the fact that it is off (described so in their schema). */
  switches?: string[]
}

/** A way to run the product: every integration on, or one (or all) of them off or unreachable. */
export interface Mode {
  label: string
  env: Record<string, string>
  named: RegExp
  switches: string[]
  /** The integrations switched, by name, and how. */
  which: string[]
  how: 'on' | 'off' | 'unreachable'
}

/** Every integration's fake, running; what connects a business to Google and QuickBooks; and the box sealing their tokens. */
export interface Integrations {
  list: Integration[]
  secrets: Services['secrets']
  google: GoogleFixture
  connectQuickbooks(db: Parameters<GoogleFixture['connect']>[0], tenantId: string, userId: string): Promise<unknown>
  close(): Promise<void>
}

/** Starts a local fake of every integration; `tomorrow` has rain in the forecast. */
export async function startIntegrations(today: string, tomorrow: string): Promise<Integrations> {
  const nws = await startFakeNws(today)
  nws.day(tomorrow, 80, 'Showers Likely')
  const qb = await quickbooksFixture()
  const google = await googleFixture({ secrets: qb.secrets })
  const stripe = await startFakeStripe()
  const resend = await startFakeResend()
  const census = await startFakeCensusGeocoder()
  const router = await startFakeRoadRouter()
  const closers = [nws.close, qb.close, google.close, stripe.close, resend.close, census.close, router.close]
  return {
    list: [
      { name: 'weather', named: /weather|forecast/i, on: nws.env, off: { CRM_WEATHER: 'off' }, url: nws.url },
      { name: 'google', named: /google/i, on: google.fake.env, off: {}, url: google.fake.url },
      { name: 'quickbooks', named: /quickbooks/i, on: qb.fake.env, off: {}, url: qb.fake.url },
      {
        name: 'stripe',
        named: /stripe|online pay|card/i,
        on: { STRIPE_SECRET_KEY: 'sk_test_unknown', STRIPE_API_BASE: stripe.url },
        off: {},
        url: stripe.url,
        switches: ['online_payments'],
      },
      {
        name: 'resend',
        named: /resend|email|outbox/i,
        on: { RESEND_API_KEY: 're_test_fake_key', RESEND_BASE_URL: resend.url },
        off: {},
        url: resend.url,
      },
      { name: 'geocoding', named: /geocod|map|point/i, on: census.env, off: { CRM_GEOCODER: 'off' }, url: census.url },
      { name: 'router', named: /router|road|straight/i, on: router.env.osrm, off: { CRM_ROUTER: 'off' }, url: router.url },
    ],
    secrets: qb.secrets,
    google,
    connectQuickbooks: (db, tenantId, userId) => qb.connect(db, tenantId, userId),
    async close() {
      for (const close of closers) await close()
    },
  }
}

/** A port that was free a moment ago and is now closed: connecting to it is refused. */
export async function closedUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

/** The settings with every integration on. */
export function allOn(list: readonly Integration[]): Record<string, string> {
  return Object.assign({}, ...list.map((i) => i.on)) as Record<string, string>
}

/** Every integration on but `which`, each off or unreachable. */
export async function switched(list: readonly Integration[], which: Integration[], how: 'off' | 'unreachable'): Promise<Mode> {
  let env = allOn(list)
  const closed = await closedUrl()
  for (const i of which) {
    env =
      how === 'off'
        ? { ...Object.fromEntries(Object.entries(env).filter(([k]) => !(k in i.on))), ...i.off }
        : { ...env, ...Object.fromEntries(Object.entries(i.on).map(([k, v]) => [k, v.split(i.url).join(closed)])) }
  }
  return {
    label: `${which.length === 1 ? which[0].name : 'every integration'} ${how}`,
    env,
    named: new RegExp(which.map((i) => i.named.source).join('|'), 'i'),
    switches: which.flatMap((i) => i.switches ?? []),
    which: which.map((i) => i.name),
    how,
  }
}
