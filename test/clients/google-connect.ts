import {
  createGoogleClient,
  type GoogleClient,
  type GoogleClientOptions,
  googleConfigFromEnv,
  type GoogleTokens,
} from '../../core/clients/google.js'
import type { FakeGoogle } from '../helpers/fake-google.js'

/** The redirect address tests connect with. */
export const GOOGLE_REDIRECT = 'http://127.0.0.1:3000/settings/google/callback'

/** A client pointed at the fake, with short waits between retries. */
export function googleClientFor(fake: FakeGoogle, options: GoogleClientOptions = {}): GoogleClient {
  const config = googleConfigFromEnv(fake.env)
  if (!config) throw new Error('the fake gave no client id')
  return createGoogleClient(config, { backoffMs: [10, 20, 40], ...options })
}

/** An account that consented to these scopes, its code exchanged as the callback would. */
export async function consentedTokens(fake: FakeGoogle, client: GoogleClient, email: string, scopes: string[]): Promise<GoogleTokens> {
  const back = new URL(fake.consent(client.authorizeUrl({ state: 'state-1', redirectUri: GOOGLE_REDIRECT, scopes }), email))
  return client.exchangeCode(back.searchParams.get('code') ?? '', GOOGLE_REDIRECT, new Date())
}
