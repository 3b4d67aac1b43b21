import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { rawRequest, type RawResponse } from '../helpers/raw-http.js'

const REDIRECT = 'http://127.0.0.1:1/callback'
const METADATA = JSON.stringify({ client_name: 'Errors Client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' })

/** The answer as OAuth's error JSON: exactly error and error_description, never the API's envelope. */
function oauthError(res: RawResponse): { error: string; error_description: string } {
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/)
  const body = JSON.parse(res.text)
  expect(Object.keys(body).sort(), res.text).toEqual(['error', 'error_description'])
  expect(body.error_description.length).toBeGreaterThan(10)
  return body
}

describe.each(engines)("the OAuth endpoints answer every error in OAuth's JSON (%s)", (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  const register = (body: Buffer | string, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST') =>
    rawRequest(app.url, method, '/oauth/register', headers, body)

  it("refuses a registration it cannot read with RFC 7591's invalid_client_metadata and 400, naming the problem", async () => {
    const cases: Array<[string, Promise<RawResponse>, RegExp]> = [
      ['not JSON', register('{"client_name":'), /not valid JSON/],
      [
        'too large',
        register(JSON.stringify({ client_name: 'x'.repeat(app.services.config.bodyLimitBytes) })),
        /larger than the limit of \d+ bytes/,
      ],
      [
        'broken gzip',
        register(Buffer.from('not compressed'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
        /decompress/,
      ],
      [
        'truncated gzip',
        register(gzipSync(METADATA).subarray(0, 12), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
        /decompress|ended before/,
      ],
      ['unknown encoding', register(METADATA, { 'content-type': 'application/json', 'content-encoding': 'compress' }), /Content-Encoding/],
      ['bad charset', register(METADATA, { 'content-type': 'application/json; charset=iso-8859-1' }), /charset/],
      [
        'a form',
        register(`client_name=x&redirect_uris=${REDIRECT}`, { 'content-type': 'application/x-www-form-urlencoded' }),
        /application\/json/,
      ],
      ['a NUL in the name', register(JSON.stringify({ client_name: 'a\u0000b', redirect_uris: [REDIRECT] })), /client_name|NUL|character/i],
      ['a list for a name', register(JSON.stringify({ client_name: ['x'], redirect_uris: [REDIRECT] })), /client_name/],
      ['nested 3,000 levels', register(`{"client_name":${'['.repeat(3000)}${']'.repeat(3000)}}`), /client_name.*deeper than \d+ levels/],
    ]
    for (const [label, answer, said] of cases) {
      const res = await answer
      expect(res.status, `${label}: ${res.text}`).toBe(400)
      const body = oauthError(res)
      expect(body.error, label).toBe('invalid_client_metadata')
      expect(body.error_description, label).toMatch(said)
    }
    const badRedirect = await register(JSON.stringify({ client_name: 'x', redirect_uris: ['http://example.com/cb'] }))
    expect(badRedirect.status).toBe(400)
    expect(oauthError(badRedirect).error).toBe('invalid_redirect_uri')
    const wrongMethod = await register(METADATA, { 'content-type': 'application/json' }, 'PUT')
    expect(wrongMethod.status).toBe(405)
    expect(oauthError(wrongMethod).error).toBe('invalid_request')
    // The endpoint is the same with a capital or a trailing slash, and so are its errors.
    const spelled = await rawRequest(app.url, 'POST', '/OAuth/Register/', { 'content-type': 'application/json' }, '{')
    expect(oauthError(spelled).error).toBe('invalid_client_metadata')
  })

  it('refuses an unreadable token or revocation request with invalid_request and 400', async () => {
    for (const path of ['/oauth/token', '/oauth/revoke']) {
      for (const [headers, body] of [
        [
          { 'content-type': 'application/x-www-form-urlencoded' },
          `grant_type=refresh_token&pad=${'x'.repeat(app.services.config.bodyLimitBytes)}`,
        ],
        [{ 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'deflate' }, 'not compressed'],
        [{ 'content-type': 'application/json' }, '{"grant_type":'],
      ] as Array<[Record<string, string>, string]>) {
        const res = await rawRequest(app.url, 'POST', path, headers, body)
        expect(res.status, `${path}: ${res.text}`).toBe(400)
        expect(oauthError(res).error).toBe('invalid_request')
      }
    }
  })

  it('answers a registration over the hourly limit 429 temporarily_unavailable, with Retry-After', async () => {
    let res: RawResponse | undefined
    for (let i = 0; i < 40 && res?.status !== 429; i++) res = await register(METADATA)
    expect(res!.status).toBe(429)
    expect(Number(res!.headers['retry-after'])).toBeGreaterThan(0)
    const body = oauthError(res!)
    expect(body.error).toBe('temporarily_unavailable')
    expect(body.error_description).toMatch(/try again in \d+ s/)
  })
})
