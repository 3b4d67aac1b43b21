import { describe, expect, it } from 'vitest'
import { redirectUriRegistered } from '../../core/auth/oauth/redirect-uris.js'

describe("an authorization request's redirect URI against the client's registered ones", () => {
  const registered = ['http://127.0.0.1:3775/cb', 'http://localhost/callback', 'https://app.example.com/oauth/cb']

  it('takes the same string, and a loopback one on any port (RFC 8252)', () => {
    expect(redirectUriRegistered(registered, 'https://app.example.com/oauth/cb')).toBe(true)
    expect(redirectUriRegistered(registered, 'http://127.0.0.1:3775/cb')).toBe(true)
    expect(redirectUriRegistered(registered, 'http://127.0.0.1:51234/cb')).toBe(true)
    expect(redirectUriRegistered(registered, 'http://127.0.0.1/cb')).toBe(true)
    expect(redirectUriRegistered(registered, 'http://localhost:8080/callback')).toBe(true)
  })

  it('compares the strings as written: a space, a case or an escape a URL parser would tidy makes another URI', () => {
    for (const given of [
      'http://127.0.0.1:3775/cb ',
      ' http://127.0.0.1:3775/cb',
      'http://127.0.0.1:3775/cb\t',
      'http://127.0.0.1:3775/CB',
      'http://127.0.0.1:3775/c%62',
      'HTTP://127.0.0.1:3775/cb',
      'http://127.0.0.1:3775/cb/',
      'http://127.0.0.1:3775/cb#x',
      'http://127.0.0.1:3775/./cb',
      'https://app.example.com/oauth/cb ',
      'https://app.example.com:444/oauth/cb',
      'http://127.0.0.2:3775/cb',
    ]) {
      expect(redirectUriRegistered(registered, given), JSON.stringify(given)).toBe(false)
    }
  })
})
