import { afterEach, describe, expect, it } from 'vitest'
import { createServices } from '../../api/product.js'
import { banner, startServer, type RunningServer } from '../../api/server.js'
import { createPaymentsClient, type PaymentsClient } from '../../core/clients/payments.js'
import { loadConfig } from '../../core/kernel/config.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { signInFormOf } from '../helpers/sign-in-link.js'
import { hiddenFields } from '../helpers/technician-fixture.js'

// Both engines: what it checks differs between the engines.

const HEADING = 'Before the first booking and the first invoice:'

/** The team members of the one business, as stored. */
async function team(t: TestDatabase): Promise<Array<{ email: string; name: string; role: string }>> {
  return (await t.admin.query<{ email: string; name: string; role: string }>('select email, name, role from users')).rows
}

/** Opens the banner's sign-in link and presses Sign in, as a browser without JavaScript: the session cookie it gets. */
async function signInWith(link: string): Promise<string> {
  const opened = await fetch(link)
  expect(opened.status).toBe(200)
  const { action, fields } = signInFormOf(await opened.text())
  const pressed = await fetch(new URL(action, link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  })
  expect(pressed.status).toBe(303)
  const cookie = pressed.headers.getSetCookie().find((c) => c.startsWith('crm_session='))
  expect(cookie, 'a session cookie').toBeDefined()
  return cookie!.split(';')[0]
}

describe.each(bothEngines)('the first start banner says what a new business lacks (%s)', (engine) => {
  let t: TestDatabase | undefined
  const running: RunningServer[] = []
  afterEach(async () => {
    for (const r of running.splice(0)) await r.close()
    await t?.dispose()
    t = undefined
  })
  /** Starts the server on an empty database (so this start creates the business), with the given payments client. */
  const firstStart = async (payments: PaymentsClient | null, env: NodeJS.ProcessEnv = {}) => {
    t = await freshDatabase(engine)
    const services = createServices(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', CRM_WORKER: 'off', ...env }), t.db, {
      integrations: { stripe: payments },
    })
    const r = await startServer(services)
    running.push(r)
    return { services, running: r, lines: banner(services, r).split('\n') }
  }

  it('with payments off: no services and no way to pay, each with the page that fixes it; a later start no longer says it', async () => {
    const { services, running: first, lines } = await firstStart(null)
    expect(first.firstStart).not.toBeNull()
    const base = first.publicUrl
    // Below the secrets shown once, after a blank line, under its own heading.
    const at = lines.indexOf(HEADING)
    expect(at).toBeGreaterThan(lines.findIndex((l) => l.startsWith('First start: a business was created')))
    expect(lines[at - 1]).toBe('')
    expect(lines.slice(at + 1)).toEqual([
      `  services: the catalog is empty, so nothing can be booked: add your services with their prices and lengths at ${base}/services ` +
        `(or import Square's item library at ${base}/import; an agent adds one with service.create)`,
      '  payments: invoices carry no way to pay (no STRIPE_SECRET_KEY, no payment instructions), so none can be emailed: ' +
        `write how customers pay you (checks payable to, bank details) at ${base}/settings`,
    ])
    // The pages it names are the owner's: a signed-out visitor is sent to sign in, not shown an error.
    for (const path of ['/services', '/settings', '/import']) {
      expect((await fetch(`${first.url}${path}`, { redirect: 'manual' })).status, path).toBe(303)
    }

    const again = await startServer(services)
    running.push(again)
    expect(again.firstStart).toBeNull()
    expect(banner(services, again)).not.toContain(HEADING)
  })

  it('with CRM_OWNER_NAME, the owner is made with that name and the banner names them with the email they sign in with', async () => {
    const { running: first, lines } = await firstStart(null, { CRM_OWNER_EMAIL: 'dana@example.com', CRM_OWNER_NAME: ' Dana Reyes ' })
    expect(await team(t!)).toEqual([{ email: 'dana@example.com', name: 'Dana Reyes', role: 'owner' }])
    const at = lines.indexOf('First start: a business was created. These are shown once:')
    expect(lines[at + 1]).toBe('  owner: Dana Reyes <dana@example.com> (sign in with that email)')
    expect(lines[at + 2]).toMatch(/^ {2}owner sign-in link \(valid 15 minutes\): /)
    expect(lines.join('\n')).not.toContain('CRM_OWNER_NAME')
    expect(first.firstStart?.owner).toEqual({ name: 'Dana Reyes', email: 'dana@example.com' })
  })

  it('without CRM_OWNER_NAME, the owner starts with the email alone and the banner says where to give a name, which works', async () => {
    const { running: first, lines } = await firstStart(null)
    expect(await team(t!)).toEqual([{ email: 'owner@example.com', name: '', role: 'owner' }])
    const at = lines.indexOf('First start: a business was created. These are shown once:')
    const base = first.publicUrl
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '  owner: owner@example.com (sign in with that email)',
      "  owner's name: none given (CRM_OWNER_NAME was not set), so pages, cards and the agent show the email in its place: " +
        `type it in Name on your card at ${base}/team, then Save`,
    ])

    // What the banner says to do, done with what it gives: its sign-in link, then the team page's own form.
    const cookie = await signInWith(first.firstStart!.signInUrl)
    const page = async () => (await fetch(`${first.url}/team`, { headers: { cookie } })).text()
    const before = await page()
    expect(before).toContain('owner@example.com (you)</h2>')
    const ownerId = (await t!.admin.query<{ id: string }>('select id from users')).rows[0].id
    const saved = await fetch(`${first.url}/team/${ownerId}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([...hiddenFields(before, `/team/${ownerId}`), ['name', 'Dana Reyes'], ['role', 'owner']]),
      redirect: 'manual',
    })
    expect(saved.status).toBe(303)
    expect(await page()).toContain('Dana Reyes (you)</h2>')
    expect(await team(t!)).toEqual([{ email: 'owner@example.com', name: 'Dana Reyes', role: 'owner' }])
  })

  it('with online payments on, only the empty catalog is said', async () => {
    const payments = createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: 'whsec_banner', apiBase: 'http://127.0.0.1:9' })
    const { lines } = await firstStart(payments)
    const at = lines.indexOf(HEADING)
    expect(at).toBeGreaterThan(-1)
    expect(lines.slice(at + 1)).toHaveLength(1)
    expect(lines[at + 1]).toMatch(/^ {2}services: the catalog is empty, so nothing can be booked/)
  })

  it('names the demo on a try-out start, never on a production one (NODE_ENV=production, as deploy/env.example sets)', async () => {
    const tryOut = await firstStart(null)
    const hint = tryOut.lines.filter((l) => l.includes('to try a demo business first'))
    expect(hint).toEqual([
      `  to try a demo business first (a window-cleaning company with a year of history): CRM_DEMO=1 ${
        engine === 'pglite' ? 'CRM_DATA_DIR=./demo-data' : 'DATABASE_URL=<an empty database>'
      } npm start`,
    ])
    for (const r of running.splice(0)) await r.close()
    await t?.dispose()
    const production = await firstStart(null, { NODE_ENV: 'production' })
    expect(production.running.firstStart).not.toBeNull()
    expect(production.lines).toContain('First start: a business was created. These are shown once:')
    expect(production.lines.join('\n')).not.toMatch(/demo|CRM_DEMO/i)
  })
})
