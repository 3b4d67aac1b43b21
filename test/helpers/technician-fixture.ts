import { expect } from 'vitest'
import type { Services } from '../../core/kernel/context.js'
import { startTestApp, type TestApp } from './app.js'
import { okOf } from './page-app.js'
import { addUser, signIn } from './session-browser.js'
import { PAYMENT_INSTRUCTIONS, settings } from './fixtures.js'

/** The fixed "now" of the technician page tests: Thursday 2026-11-05, 09:30 in Chicago. */
export const NOW = new Date('2026-11-05T15:30:00Z')

/** A business with two technicians, a catalog, a customer and tickets around NOW. */
export interface TechFixture {
  app: TestApp
  techId: string
  otherTechId: string
  contactId: string
  services: { window: string; screens: string; gutters: string }
  /** Tom's ticket now (09:00-10:00), Tom's later today (13:00), Olga's today (11:00), Tom's in two days. */
  tickets: { now: string; later: string; olgas: string; future: string }
  ticketNumbers: Record<string, number>
  /** Books another ticket for Jane Smith (wall-clock start in Chicago, 60 minutes, one window cleaning). */
  book(start: string, techs: string[], extra?: Record<string, unknown>): Promise<{ id: string; number: number }>
}

/** Starts the app over a fresh database on the engine and books the fixture's data through the API. */
export async function techFixture(engine: 'pglite' | 'postgres', overrides: Partial<Services> = {}): Promise<TechFixture> {
  const app = await startTestApp(engine, { now: () => NOW, ...overrides })
  await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
  const techId = await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
  const otherTechId = await addUser(app, 'olga@sparkle.test', 'technician', 'Olga Other')
  const ok = okOf(() => app)
  const window = (
    await ok('service', 'create', {
      name: 'Window cleaning',
      pricing: 'fixed',
      price_cents: 15000,
      default_duration_minutes: 60,
      taxable: true,
    })
  ).id
  const screens = (
    await ok('service', 'create', { name: 'Screen cleaning', pricing: 'per_unit', price_cents: 500, unit_name: 'screen', taxable: true })
  ).id
  const gutters = (await ok('service', 'create', { name: 'Gutter cleaning', pricing: 'flexible', price_cents: 8000, taxable: true })).id
  const contactId = (await ok('contact', 'create', { display_name: 'Jane Smith', phone: '(256) 555-0142', email: 'jane@example.com' })).id
  const addressId = (
    await ok('address', 'add', {
      contact_id: contactId,
      line1: '12 Oak Street',
      city: 'Huntsville',
      state: 'AL',
      postal_code: '35801',
      access_notes: 'Gate code 4821',
    })
  ).id
  await ok('attribute', 'set', { contact_id: contactId, key: 'dog_name', value: 'Biscuit' })
  const book = async (start: string, techs: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; number: number }> =>
    ok('ticket', 'create', {
      contact_id: contactId,
      address_id: addressId,
      scheduled_start: start,
      duration_minutes: 60,
      technician_ids: techs,
      line_items: [{ service_id: window }],
      ...extra,
    })
  const now = await book('2026-11-05T09:00', [techId], { notes: 'Side door is open' })
  const later = await book('2026-11-05T13:00', [techId])
  const olgas = await book('2026-11-05T11:00', [otherTechId])
  const future = await book('2026-11-07T10:00', [techId])
  return {
    app,
    techId,
    otherTechId,
    contactId,
    services: { window, screens, gutters },
    tickets: { now: now.id, later: later.id, olgas: olgas.id, future: future.id },
    ticketNumbers: { [now.id]: now.number, [later.id]: later.number, [olgas.id]: olgas.number, [future.id]: future.number },
    book,
  }
}

/** What one page request returned. */
export interface PageResponse {
  status: number
  html: string
  location: string | null
  headers: Headers
}

/** A signed-in browser without JavaScript: GETs pages and submits forms the way an HTML form does. */
export interface PageClient {
  cookie: string
  get(path: string, headers?: Record<string, string>): Promise<PageResponse>
  post(path: string, fields: Array<[string, string]> | Record<string, string>): Promise<PageResponse>
  /** Submits the form of the page whose action is `action`, with its hidden fields plus the given ones. */
  submit(page: string, action: string, fields?: Array<[string, string]>): Promise<PageResponse>
}

/** Signs the address in by magic link and returns a page client holding the session. */
export async function pageClient(app: TestApp, email: string): Promise<PageClient> {
  const b = await signIn(app, email)
  const client: PageClient = {
    cookie: b.cookie!,
    async get(path, headers = {}) {
      const res = await fetch(app.url + path, { headers: { cookie: `crm_session=${client.cookie}`, ...headers }, redirect: 'manual' })
      return { status: res.status, html: await res.text(), location: res.headers.get('location'), headers: res.headers }
    },
    async post(path, fields) {
      const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields))
      const res = await fetch(app.url + path, {
        method: 'POST',
        body,
        redirect: 'manual',
        headers: { cookie: `crm_session=${client.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      })
      return { status: res.status, html: await res.text(), location: res.headers.get('location'), headers: res.headers }
    },
    async submit(page, action, fields = []) {
      return client.post(action, [...hiddenFields(page, action), ...fields])
    },
  }
  return client
}

/** The hidden inputs of the first form on the page posting to `action`. */
export function hiddenFields(html: string, action: string): Array<[string, string]> {
  const form = formHtml(html, action)
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], unescapeAttribute(m[2])])
}

/** The owner's card of one queued request on the review page, or '' when the page shows none. */
export function reviewCardOf(html: string, requestId: string): string {
  return html.split('<div class="card">').find((c) => c.includes(`action="/review/${requestId}"`)) ?? ''
}

/** The HTML of the first form posting to `action`; the test fails when there is none. */
export function formHtml(html: string, action: string): string {
  const start = html.indexOf(`action="${action}"`)
  expect(start, `a form posting to ${action}`).toBeGreaterThan(-1)
  return html.slice(start, html.indexOf('</form>', start))
}

function unescapeAttribute(v: string): string {
  return v
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}
