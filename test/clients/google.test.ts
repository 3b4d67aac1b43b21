import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOOGLE_SCOPES, GoogleError, type GoogleTokenSource, googleConfigFromEnv } from '../../core/clients/google.js'
import { type FakeGoogle, startFakeGoogle } from '../helpers/fake-google.js'
import { consentedTokens, GOOGLE_REDIRECT, googleClientFor } from './google-connect.js'

let fake: FakeGoogle

beforeAll(async () => {
  fake = await startFakeGoogle()
})
afterAll(() => fake.close())

/** Tokens that refresh through the client, counting refreshes. */
function source(client: ReturnType<typeof googleClientFor>, refreshToken: string, first: string) {
  let token = first
  let refreshes = 0
  const tokens: GoogleTokenSource = {
    accessToken: async () => token,
    afterUnauthorized: async () => {
      refreshes++
      token = (await client.refresh(refreshToken, new Date())).accessToken
      return token
    },
  }
  return { tokens, refreshes: () => refreshes }
}

describe('the Google client', () => {
  it('is off without both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, and refuses a GOOGLE_API_BASE that is not a URL', () => {
    expect(googleConfigFromEnv({ GOOGLE_CLIENT_ID: 'x' })).toBeNull()
    expect(() => googleConfigFromEnv({ GOOGLE_CLIENT_ID: 'x', GOOGLE_CLIENT_SECRET: 'y', GOOGLE_API_BASE: 'not a url' })).toThrow(
      /GOOGLE_API_BASE/,
    )
    expect(googleConfigFromEnv({ GOOGLE_CLIENT_ID: 'x', GOOGLE_CLIENT_SECRET: 'y' })?.apiBase).toBeUndefined()
  })

  it('moves every Google host to GOOGLE_API_BASE with the path unchanged', () => {
    const client = googleClientFor(fake)
    expect(client.url('https://people.googleapis.com/v1/people/me/connections')).toBe(`${fake.url}/v1/people/me/connections`)
    expect(client.url('https://gmail.googleapis.com/gmail/v1/users/me/history')).toBe(`${fake.url}/gmail/v1/users/me/history`)
    expect(() => client.url('https://example.com/x')).toThrow(/not a Google address/)
  })

  it('asks for offline access, the feature scopes on top of the identity ones, and the scopes granted before', () => {
    const url = new URL(googleClientFor(fake).authorizeUrl({ state: 's', redirectUri: GOOGLE_REDIRECT, scopes: [GOOGLE_SCOPES.gmail] }))
    expect(url.pathname).toBe('/o/oauth2/v2/auth')
    expect(url.searchParams.get('access_type')).toBe('offline')
    expect(url.searchParams.get('include_granted_scopes')).toBe('true')
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(['openid', 'email', GOOGLE_SCOPES.gmail])
  })

  it('exchanges a code for tokens, adds scopes granted later, and reads the account email', async () => {
    const client = googleClientFor(fake)
    const first = await consentedTokens(fake, client, 'Owner@Example.com', [GOOGLE_SCOPES.calendar])
    expect(first.refreshToken).toMatch(/^1\/\//)
    expect(first.scopes).toContain(GOOGLE_SCOPES.calendar)
    const second = await consentedTokens(fake, client, 'owner@example.com', [GOOGLE_SCOPES.contacts])
    expect(second.scopes).toEqual(expect.arrayContaining([GOOGLE_SCOPES.calendar, GOOGLE_SCOPES.contacts]))
    expect(await client.userEmail(second.accessToken)).toBe('owner@example.com')
    await expect(client.exchangeCode('4/0Aused', GOOGLE_REDIRECT, new Date())).rejects.toMatchObject({
      reason: 'invalid_grant',
      retryable: false,
    })
  })

  it('calls an API with the token, refreshes once after a 401, and says when a scope is missing', async () => {
    const client = googleClientFor(fake)
    const granted = await consentedTokens(fake, client, 'tech@example.com', [GOOGLE_SCOPES.calendar])
    const { tokens, refreshes } = source(client, granted.refreshToken ?? '', granted.accessToken)
    const caller = client.caller('tech', tokens)
    const times = { start: '2026-12-01T09:00:00Z', end: '2026-12-01T10:00:00Z' }
    fake.calendar.patchEvent('tech@example.com', 'primary', fake.calendar.addBusyEvent('tech@example.com', 'primary', times).id, {
      extendedProperties: { private: { a: '1', b: '2' } },
    })
    fake.calendar.patchEvent('tech@example.com', 'primary', fake.calendar.addBusyEvent('tech@example.com', 'primary', times).id, {
      extendedProperties: { private: { a: '1' } },
    })
    const answer = await caller.call('GET', 'https://www.googleapis.com/calendar/v3/calendars/tech%40example.com/events', {
      query: { privateExtendedProperty: ['a=1', 'b=2'] },
    })
    expect(answer).toMatchObject({ kind: 'calendar#events', summary: 'tech@example.com' })
    expect(answer.items.map((e: { extendedProperties: unknown }) => e.extendedProperties)).toEqual([{ private: { a: '1', b: '2' } }])
    fake.expireAccessTokens()
    await caller.call('GET', 'https://www.googleapis.com/calendar/v3/calendars/primary/events')
    expect(refreshes()).toBe(1)

    const contactsOnly = await consentedTokens(fake, client, 'other@example.com', [GOOGLE_SCOPES.contacts])
    const other = client.caller('other', {
      accessToken: async () => contactsOnly.accessToken,
      afterUnauthorized: async () => contactsOnly.accessToken,
    })
    const refused = await other.call('GET', 'https://www.googleapis.com/calendar/v3/calendars/primary/events').catch((e) => e)
    expect(refused).toBeInstanceOf(GoogleError)
    expect(refused).toMatchObject({ status: 403, reason: 'insufficientPermissions', retryable: false })
  })

  it('waits and tries again after a 429, a 403 rate limit and a server error, honouring Retry-After', async () => {
    const client = googleClientFor(fake)
    const granted = await consentedTokens(fake, client, 'busy@example.com', [GOOGLE_SCOPES.calendar])
    const caller = client.caller('busy', source(client, granted.refreshToken ?? '', granted.accessToken).tokens)
    fake.failNext(429, undefined, { 'Retry-After': '0' })
    fake.failNext(403, 'rateLimitExceeded')
    fake.failNext(503)
    const answer = await caller.call('GET', 'https://www.googleapis.com/calendar/v3/calendars/primary/events')
    expect(answer.kind).toBe('calendar#events')
    expect(caller.stats).toMatchObject({ throttled: 2, retries: 3 })
    for (let i = 0; i < 4; i++) fake.failNext(500)
    await expect(caller.call('GET', 'https://www.googleapis.com/calendar/v3/calendars/primary/events')).rejects.toMatchObject({
      status: 500,
      retryable: true,
    })
  })

  it('refuses a refresh after the person revoked the app, and revoking twice is not an error', async () => {
    const client = googleClientFor(fake)
    const granted = await consentedTokens(fake, client, 'gone@example.com', [GOOGLE_SCOPES.calendar])
    await client.revoke(granted.refreshToken ?? '')
    await client.revoke(granted.refreshToken ?? '')
    await expect(client.refresh(granted.refreshToken ?? '', new Date())).rejects.toMatchObject({
      reason: 'invalid_grant',
      retryable: false,
    })
  })
})
