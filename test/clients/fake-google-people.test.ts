import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOOGLE_SCOPES, GoogleError } from '../../core/clients/google.js'
import { type FakeGoogle, startFakeGoogle } from '../helpers/fake-google.js'
import { consentedTokens, googleClientFor } from './google-connect.js'

const FIELDS = 'names,emailAddresses,phoneNumbers,addresses,organizations,biographies'

let fake: FakeGoogle

beforeAll(async () => {
  fake = await startFakeGoogle()
})
afterAll(() => fake.close())

/** An account with contacts.readonly granted, and a GET of connections with its token (raw, to see the wire). */
async function account(scopes: string[] = [GOOGLE_SCOPES.contacts]) {
  const email = `owner-${Math.random().toString(36).slice(2, 8)}@example.com`
  const tokens = await consentedTokens(fake, googleClientFor(fake), email, scopes)
  const list = async (query: Record<string, string>) => {
    const res = await fetch(`${fake.url}/v1/people/me/connections?${new URLSearchParams(query)}`, {
      headers: { Authorization: `Bearer ${tokens.accessToken}` },
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  /** Every page of a listing, following nextPageToken; the connections and the last page's body. */
  const all = async (query: Record<string, string>) => {
    const people: any[] = []
    let pageToken: string | undefined
    for (;;) {
      const page = await list({ ...query, ...(pageToken ? { pageToken } : {}) })
      expect(page.status, JSON.stringify(page.body)).toBe(200)
      people.push(...(page.body.connections ?? []))
      pageToken = page.body.nextPageToken
      if (!pageToken) return { people, last: page.body }
    }
  }
  return { email, tokens, list, all }
}

describe('the fake People API v1', () => {
  it('refuses a listing without personFields, with a field it does not know, and for a token without the contacts scope', async () => {
    const a = await account()
    const none = await a.list({})
    expect(none.status).toBe(400)
    expect(none.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' })
    expect(none.body.error.message).toContain('personFields mask is required')
    const bad = await a.list({ personFields: 'names,shoeSize' })
    expect(bad.body.error.message).toContain('"shoeSize"')
    const calendarOnly = await account([GOOGLE_SCOPES.calendar])
    const refused = await calendarOnly.list({ personFields: FIELDS })
    expect(refused.status).toBe(403)
    expect(refused.body.error.status).toBe('PERMISSION_DENIED')
  })

  it('answers the person fields asked for, in pages, with a sync token on the last page only when asked', async () => {
    const a = await account()
    const maria = fake.people.add(a.email, {
      names: [{ givenName: 'Maria', familyName: 'Lopez' }],
      emailAddresses: [{ value: 'maria@example.com' }],
      phoneNumbers: [{ value: '(256) 555-0100', type: 'mobile' }],
      addresses: [{ streetAddress: '4 Elm Rd', city: 'Madison', region: 'AL', postalCode: '35758', country: 'US' }],
      organizations: [{ name: 'Lopez Bakery' }],
      biographies: [{ value: 'Gate code 1234' }],
    })
    for (let i = 0; i < 4; i++) fake.people.add(a.email, { names: [{ givenName: `Person ${i}` }] })
    expect(maria).toMatch(/^people\/c\d+$/)

    const first = await a.list({ personFields: 'names', pageSize: '2', requestSyncToken: 'true' })
    expect(first.body.connections).toHaveLength(2)
    expect(first.body.totalItems).toBe(5)
    expect(first.body.nextPageToken).toBeTruthy()
    expect(first.body.nextSyncToken).toBeUndefined()
    expect(first.body.connections[0].emailAddresses).toBeUndefined()
    expect(first.body.connections[0].names[0]).toMatchObject({ displayName: 'Maria Lopez', givenName: 'Maria', familyName: 'Lopez' })
    // A page token with other parameters than its first call is refused.
    const mixed = await a.list({ personFields: FIELDS, pageToken: first.body.nextPageToken })
    expect(mixed.status).toBe(400)

    const { people, last } = await a.all({ personFields: FIELDS, pageSize: '2', requestSyncToken: 'true' })
    expect(people).toHaveLength(5)
    expect(last.nextSyncToken).toBeTruthy()
    const p = people.find((x) => x.resourceName === maria)
    expect(p.etag).toMatch(/^%/)
    expect(p.emailAddresses[0]).toMatchObject({ value: 'maria@example.com', metadata: { primary: true } })
    expect(p.phoneNumbers[0]).toMatchObject({ value: '(256) 555-0100', canonicalForm: '+12565550100', type: 'mobile' })
    expect(p.addresses[0]).toMatchObject({ streetAddress: '4 Elm Rd', city: 'Madison', region: 'AL', postalCode: '35758', country: 'US' })
    expect(p.addresses[0].formattedValue).toContain('Madison, AL 35758')
    expect(p.organizations[0].name).toBe('Lopez Bakery')
    expect(p.biographies[0]).toMatchObject({ value: 'Gate code 1234', contentType: 'TEXT_PLAIN' })
    // Without requestSyncToken, no sync token.
    expect((await a.all({ personFields: 'names' })).last.nextSyncToken).toBeUndefined()
  })

  it('answers a sync token with only the people changed, added and deleted since, the deleted ones marked', async () => {
    const a = await account()
    const kept = fake.people.add(a.email, { names: [{ givenName: 'Kept' }] })
    const changed = fake.people.add(a.email, { names: [{ givenName: 'Changed' }] })
    const gone = fake.people.add(a.email, { names: [{ givenName: 'Gone' }] })
    const full = await a.all({ personFields: FIELDS, requestSyncToken: 'true' })
    const etagBefore = full.people.find((x) => x.resourceName === changed).etag

    const nothing = await a.all({ personFields: FIELDS, requestSyncToken: 'true', syncToken: full.last.nextSyncToken })
    expect(nothing.people).toEqual([])
    expect(nothing.last.nextSyncToken).toBeTruthy()

    fake.people.change(a.email, changed, { phoneNumbers: [{ value: '256-555-0199' }] })
    const added = fake.people.add(a.email, { names: [{ givenName: 'New' }] })
    fake.people.remove(a.email, gone)
    const since = await a.all({ personFields: FIELDS, requestSyncToken: 'true', syncToken: nothing.last.nextSyncToken, pageSize: '2' })
    expect(since.people.map((x) => x.resourceName).sort()).toEqual([changed, added, gone].sort())
    expect(since.people.map((x) => x.resourceName)).not.toContain(kept)
    const c = since.people.find((x) => x.resourceName === changed)
    expect(c.etag).not.toBe(etagBefore)
    expect(c.phoneNumbers[0].value).toBe('256-555-0199')
    expect(c.names[0].givenName).toBe('Changed')
    const d = since.people.find((x) => x.resourceName === gone)
    expect(d).toMatchObject({ resourceName: gone, metadata: { deleted: true } })
    expect(d.names).toBeUndefined()
    // A full listing leaves the deleted person out.
    expect((await a.all({ personFields: 'names' })).people.map((x) => x.resourceName)).not.toContain(gone)
    expect(fake.people.list(a.email).map((x) => x.resourceName)).not.toContain(gone)
  })

  it('refuses an expired sync token as Google does, which the client reads as a full sync needed', async () => {
    const a = await account()
    fake.people.add(a.email, { names: [{ givenName: 'Someone' }] })
    const full = await a.all({ personFields: 'names', requestSyncToken: 'true' })
    fake.people.expireSyncTokens(a.email)
    const expired = await a.list({ personFields: 'names', requestSyncToken: 'true', syncToken: full.last.nextSyncToken })
    expect(expired.status).toBe(400)
    expect(expired.body.error).toMatchObject({
      code: 400,
      status: 'FAILED_PRECONDITION',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'EXPIRED_SYNC_TOKEN' }],
    })
    // A token seven days old expires too.
    const fresh = await a.all({ personFields: 'names', requestSyncToken: 'true' })
    fake.advance(8 * 86_400_000)
    try {
      const client = googleClientFor(fake)
      const caller = client.caller('people-test', {
        accessToken: async () => (await client.refresh(a.tokens.refreshToken ?? '', fake.now)).accessToken,
        afterUnauthorized: async () => (await client.refresh(a.tokens.refreshToken ?? '', fake.now)).accessToken,
      })
      const err = await caller
        .call('GET', 'https://people.googleapis.com/v1/people/me/connections', {
          query: { personFields: 'names', requestSyncToken: true, syncToken: fresh.last.nextSyncToken },
        })
        .catch((e) => e)
      expect(err).toBeInstanceOf(GoogleError)
      expect(err).toMatchObject({ status: 400, reason: 'EXPIRED_SYNC_TOKEN', retryable: false, needsFullSync: true })
    } finally {
      fake.advance(-8 * 86_400_000)
    }
  })
})
