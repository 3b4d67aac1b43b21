import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createGoogleClient, googleConfigFromEnv } from '../../../core/clients/google.js'
import type { Config } from '../../../core/kernel/config.js'
import { describeGoogle } from '../../../core/domains/google/availability.js'
import { createSecretBox } from '../../../core/kernel/secret-box.js'

const KEYS = { GOOGLE_CLIENT_ID: '123-abc.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'GOCSPX-secret' }

describe("the start banner's Google line", () => {
  const secrets = createSecretBox(randomBytes(32))
  const client = (env: Record<string, string> = {}) => {
    const config = googleConfigFromEnv({ ...KEYS, ...env })
    if (!config) throw new Error('both keys were given')
    return createGoogleClient(config)
  }
  const at = (publicBaseUrl: string) => ({ publicBaseUrl }) as Config

  it('says Google is off without the Google app keys, naming them', () => {
    expect(googleConfigFromEnv({ GOOGLE_CLIENT_ID: KEYS.GOOGLE_CLIENT_ID })).toBeNull()
    const line = describeGoogle({ integrations: { google: null }, secrets, config: at('http://127.0.0.1:3000') })
    expect(line).toContain('Google is off: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET')
  })

  it('says Google is off without CRM_ENCRYPTION_KEY, and how to make one', () => {
    const line = describeGoogle({ integrations: { google: client() }, secrets: null, config: at('http://127.0.0.1:3000') })
    expect(line).toContain('Google is off: set CRM_ENCRYPTION_KEY')
    expect(line).toContain('openssl rand -base64 32')
  })

  it('once on, says where Google is, where people connect, and whether calendar changes are polled or pushed', () => {
    const polled = describeGoogle({ integrations: { google: client() }, secrets, config: at('http://127.0.0.1:3000') })
    expect(polled).toContain('Google (googleapis.com)')
    expect(polled).toContain('people connect at /settings/google')
    expect(polled).toContain('calendar changes polled every 30 s (Google pushes only to a public https address)')
    const pushed = describeGoogle({ integrations: { google: client() }, secrets, config: at('https://crm.sparkle.example') })
    expect(pushed).toContain('calendar changes pushed by Google to /api/webhooks/google')
    const local = describeGoogle({
      integrations: { google: client({ GOOGLE_API_BASE: 'http://127.0.0.1:4010' }) },
      secrets,
      config: at('http://x'),
    })
    expect(local).toContain('every Google address at http://127.0.0.1:4010')
  })
})
