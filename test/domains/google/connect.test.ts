import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FEATURE_SCOPES } from '../../../core/domains/google/features.js'
import { GOOGLE_STEPS } from '../../../core/domains/google/sync/step-list.js'
import type { GoogleStep } from '../../../core/domains/google/sync/steps.js'
import { syncGoogle } from '../../../core/domains/google/sync-job.js'
import type { PageClient } from '../../helpers/technician-fixture.js'
import { engines } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'
import { startPageApp, type PageApp } from '../../helpers/page-app.js'

const PAGE = '/settings/google'
const OWNER_EMAIL = 'owner.sparkle@gmail.test'
const TECH_EMAIL = 'tom.sparkle@gmail.test'

describe.each(engines)('connecting Google from the pages (%s)', (engine) => {
  let google: GoogleFixture
  let pages: PageApp
  let clock = new Date()

  beforeAll(async () => {
    google = await googleFixture()
    pages = await startPageApp(engine, { ...google.services, now: () => clock }, { technician: 'signed-in' })
  })
  afterAll(async () => {
    await pages?.app.close()
    await google?.close()
  })

  /** Presses Connect on the person's page with these boxes ticked: Google's consent address it was sent to. */
  async function pressConnect(who: PageClient, features: string[]): Promise<string> {
    const page = await who.get(PAGE)
    const started = await who.submit(
      page.html,
      `${PAGE}/connect`,
      features.map((f) => ['features', f]),
    )
    expect(started.status, started.html).toBe(303)
    return started.location as string
  }

  /** Follows where Google sent the person back to, signed in as them. */
  async function comeBack(who: PageClient, back: string) {
    const url = new URL(back)
    expect(url.origin + url.pathname).toBe(`${pages.app.url}${PAGE}/callback`)
    return who.get(url.pathname + url.search)
  }

  const row = async (userId: string) =>
    (
      await pages.app.t.admin.query<Record<string, any>>('select * from google_connections where tenant_id = $1 and user_id = $2', [
        pages.app.tenant.tenant_id,
        userId,
      ])
    ).rows[0]

  it('asks Google only for the ticked features, and keeps the tokens sealed', async () => {
    const before = await pages.owner.get(PAGE)
    expect(before.html).toContain('Nobody has connected a Google account yet.')
    expect(before.html).toContain('value="contacts"')
    const asked = new URL(await pressConnect(pages.owner, ['calendar', 'gmail']))
    expect(asked.origin).toBe(google.fake.url)
    expect(asked.pathname).toBe('/o/oauth2/v2/auth')
    expect(asked.searchParams.get('access_type')).toBe('offline')
    expect(asked.searchParams.get('redirect_uri')).toBe(`${pages.app.url}${PAGE}/callback`)
    const scopes = (asked.searchParams.get('scope') ?? '').split(' ')
    for (const s of [...FEATURE_SCOPES.calendar, ...FEATURE_SCOPES.gmail]) expect(scopes).toContain(s)
    for (const s of FEATURE_SCOPES.contacts) expect(scopes).not.toContain(s)

    const answer = await comeBack(pages.owner, google.fake.consent(asked.toString(), OWNER_EMAIL))
    expect(answer.status, answer.html).toBe(303)
    expect(answer.location).toBe(`${PAGE}?done=connected`)
    const stored = await row(pages.app.tenant.owner_user_id)
    expect(stored).toMatchObject({ google_email: OWNER_EMAIL, status: 'connected', calendar_on: true, gmail_on: true, contacts_on: false })
    const grant = google.fake.oauth.grants.get(OWNER_EMAIL)
    expect(google.secrets.open(stored.refresh_token)).toBe(grant?.refreshToken)
    const access = google.secrets.open(stored.access_token)
    expect(access).toMatch(/^ya29\./)
    const raw = JSON.stringify(stored)
    expect(raw).not.toContain(access)
    expect(raw).not.toContain(grant?.refreshToken)
    // Only the state's hash was kept, and it is used up.
    expect((await pages.app.t.admin.query('select * from google_connect_states')).rows).toEqual([])

    const page = await pages.owner.get(`${PAGE}?done=connected`)
    expect(page.html).toContain('Google is connected.')
    expect(page.html).toContain(`Connected as <b>${OWNER_EMAIL}</b>`)
    expect(page.html).toContain('On: Calendar and Gmail.')
    expect(page.html).toContain('The first sync has not run yet.')
    for (const action of ['sync', 'disconnect', 'turn-off']) expect(page.html).toContain(`action="${PAGE}/${action}"`)
    expect(page.html).toContain('Turn off Gmail')
    expect(page.html).not.toContain('Turn off Contacts')
  })

  it('uses a state once, and refuses one never given and one past its ten minutes, saying so', async () => {
    const back = google.fake.consent(await pressConnect(pages.owner, ['calendar']), OWNER_EMAIL)
    expect((await comeBack(pages.owner, back)).status).toBe(303)
    const again = await comeBack(pages.owner, back)
    expect(again.status).toBe(409)
    expect(again.html).toContain('already used')
    const forged = new URL(back)
    forged.searchParams.set('state', 'made-up-state')
    expect((await comeBack(pages.owner, forged.toString())).html).toContain('already used or was not started by you')

    const late = google.fake.consent(await pressConnect(pages.owner, ['calendar']), OWNER_EMAIL)
    clock = new Date(clock.getTime() + 11 * 60_000)
    const expired = await comeBack(pages.owner, late)
    expect(expired.status).toBe(409)
    expect(expired.html).toContain('expired')
    expect(expired.html).toContain('start again from Settings, Google')
  })

  it("shows Google's refusal when the person cancels there, and when not every permission was given", async () => {
    const denied = await comeBack(
      pages.owner,
      google.fake.consent(await pressConnect(pages.owner, ['contacts']), OWNER_EMAIL, { deny: true }),
    )
    expect(denied.status).toBe(409)
    expect(denied.html).toContain('the permission was not given at Google')
    expect((await row(pages.app.tenant.owner_user_id)).contacts_on).toBe(false)

    // The person unticks Contacts on Google's page: Gmail is given, Contacts is not.
    const asked = new URL(await pressConnect(pages.owner, ['contacts', 'gmail']))
    const scopes = (asked.searchParams.get('scope') ?? '').split(' ').filter((s) => !FEATURE_SCOPES.contacts.includes(s))
    asked.searchParams.set('scope', scopes.join(' '))
    const partly = await comeBack(pages.owner, google.fake.consent(asked.toString(), OWNER_EMAIL))
    expect(partly.status).toBe(409)
    expect(partly.html).toContain('not every permission for contacts was given')
    expect(await row(pages.app.tenant.owner_user_id)).toMatchObject({ status: 'connected', contacts_on: false, gmail_on: true })
  })

  it('lets a technician connect their own calendar, and nothing else', async () => {
    const before = await pages.tech.get(PAGE)
    expect(before.status).toBe(200)
    expect(before.html).toContain('Connect my Google Calendar')
    expect(before.html).not.toContain('value="contacts"')
    expect(before.html).not.toContain('value="gmail"')
    // The owner's account is not the technician's to see.
    expect(before.html).not.toContain(OWNER_EMAIL)

    const refused = await pages.tech.submit(before.html, `${PAGE}/connect`, [['features', 'contacts']])
    expect(refused.status).toBe(403)
    expect(refused.html).toContain('Only the owner brings')
    const asked = new URL(await pressConnect(pages.tech, []))
    const scopes = (asked.searchParams.get('scope') ?? '').split(' ')
    for (const s of FEATURE_SCOPES.calendar) expect(scopes).toContain(s)
    for (const s of [...FEATURE_SCOPES.contacts, ...FEATURE_SCOPES.gmail]) expect(scopes).not.toContain(s)
    const answer = await comeBack(pages.tech, google.fake.consent(asked.toString(), TECH_EMAIL))
    expect(answer.location).toBe(`${PAGE}?done=connected`)
    expect(await row(pages.techId)).toMatchObject({ google_email: TECH_EMAIL, calendar_on: true, contacts_on: false, gmail_on: false })

    const page = await pages.tech.get(`${PAGE}?done=connected`)
    expect(page.html).toContain(`Connected as <b>${TECH_EMAIL}</b>`)
    expect(page.html).toContain(`action="${PAGE}/disconnect"`)
    expect(page.html).not.toContain(`action="${PAGE}/sync"`)
    expect(page.html).not.toContain(OWNER_EMAIL)
    // A state the owner began cannot be finished by the technician.
    const ownersBack = google.fake.consent(await pressConnect(pages.owner, ['calendar']), OWNER_EMAIL)
    expect((await comeBack(pages.tech, ownersBack)).html).toContain('was not started by you')
    // The owner sees the technician's account among the business's.
    const owners = await pages.owner.get(PAGE)
    expect(owners.html).toContain('Tom Tech')
    expect(owners.html).toContain(TECH_EMAIL)
  })

  it('disconnecting revokes the grant at Google and forgets the tokens', async () => {
    const page = await pages.tech.get(PAGE)
    const done = await pages.tech.submit(page.html, `${PAGE}/disconnect`)
    expect(done.status).toBe(303)
    expect(done.location).toBe(`${PAGE}?done=disconnected`)
    expect(google.fake.oauth.grants.get(TECH_EMAIL)?.revoked).toBe(true)
    const stored = await row(pages.techId)
    expect(stored).toMatchObject({ status: 'disconnected', access_token: null, refresh_token: null })
    const after = await pages.tech.get(`${PAGE}?done=disconnected`)
    expect(after.html).toContain('Google is disconnected')
    expect(after.html).toContain('Connect my Google Calendar again')
  })

  it("a grant revoked in the person's Google account: the next sync marks it, and the page says to connect again", async () => {
    // What every feature's sync does first: a call with the account's token.
    const probe: GoogleStep = {
      feature: 'calendar',
      name: 'who am I',
      sync: async (run) => {
        await run.caller.call('GET', 'https://www.googleapis.com/oauth2/v3/userinfo')
        return { read: 1 }
      },
    }
    GOOGLE_STEPS.push(probe)
    try {
      const first = await syncGoogle(pages.app.services)
      expect(first.failures).toEqual([])
      expect(first.synced.map((s) => s.user_id)).toContain(pages.app.tenant.owner_user_id)
      google.fake.revokeGrant(OWNER_EMAIL)
      clock = new Date(clock.getTime() + 1000)
      const page = await pages.owner.get(PAGE)
      await pages.owner.submit(page.html, `${PAGE}/sync`)
      const pass = await syncGoogle(pages.app.services)
      expect(pass.failures.map((f) => f.error).join()).toContain('Google refused to renew access')
    } finally {
      GOOGLE_STEPS.splice(GOOGLE_STEPS.indexOf(probe), 1)
    }
    const stored = await row(pages.app.tenant.owner_user_id)
    expect(stored.status).toBe('needs_reconnect')
    const page = await pages.owner.get(PAGE)
    expect(page.html).toContain(`Google stopped syncing <b>${OWNER_EMAIL}</b>: connect again.`)
    expect(page.html).toContain('Connect Google again')
    expect(page.html).not.toContain(`action="${PAGE}/sync"`)

    // Connecting again: Google's page knows the account (login_hint) and sends the owner straight back.
    const asked = new URL(await pressConnect(pages.owner, ['calendar']))
    expect(asked.searchParams.get('login_hint')).toBe(OWNER_EMAIL)
    const consent = await fetch(asked, { redirect: 'manual' })
    expect(consent.status).toBe(302)
    const answer = await comeBack(pages.owner, consent.headers.get('location') as string)
    expect(answer.location).toBe(`${PAGE}?done=connected`)
    expect((await row(pages.app.tenant.owner_user_id)).status).toBe('connected')
  })

  it('keeps the owner-only buttons from a technician', async () => {
    const sync = await pages.tech.post(`${PAGE}/sync`, [['_csrf', (await techCsrf()) ?? '']])
    expect(sync.status).toBe(403)
    const other = await pages.tech.post(`${PAGE}/disconnect`, [
      ['_csrf', (await techCsrf()) ?? ''],
      ['user_id', pages.app.tenant.owner_user_id],
    ])
    expect(other.status).toBe(403)
    expect(other.html).toContain('only your own Google connection')
    expect((await row(pages.app.tenant.owner_user_id)).status).toBe('connected')
  })

  /** The technician's session's CSRF token, as their page's forms carry it. */
  async function techCsrf(): Promise<string | undefined> {
    return /name="_csrf" value="([^"]+)"/.exec((await pages.tech.get(PAGE)).html)?.[1]
  }
})
