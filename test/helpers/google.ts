import { randomBytes } from 'node:crypto'
import type { GoogleClient } from '../../core/clients/google.js'
import { withTenant } from '../../core/db/tenant.js'
import type { Database } from '../../core/db/types.js'
import { saveGoogleConnection } from '../../core/domains/google/connection.js'
import { FEATURE_SCOPES, type GoogleFeature } from '../../core/domains/google/features.js'
import { sealGoogleTokens } from '../../core/domains/google/tokens.js'
import { createSecretBox, type SecretBox } from '../../core/kernel/secret-box.js'
import { GOOGLE_REDIRECT, googleClientFor } from '../clients/google-connect.js'
import { type FakeGoogle, type FakeGoogleOptions, startFakeGoogle } from './fake-google.js'

/** The local Google, a client pointed at it and a key for tokens: what a test's services need to sync. */
export interface GoogleFixture {
  fake: FakeGoogle
  client: GoogleClient
  secrets: SecretBox
  /** The services' overrides that turn Google on. */
  services: { integrations: { google: GoogleClient }; secrets: SecretBox }
  /**
   * Connects a person's Google account for these features, as their connect would (consent, code exchanged, tokens
   * sealed); returns the account's email (a fresh one unless given).
   */
  connect(db: Database, tenantId: string, userId: string, features: GoogleFeature[], email?: string): Promise<string>
  close(): Promise<void>
}

/** Starts the local Google for a test file; give the secrets of another fixture the same services use. */
export async function googleFixture(options: FakeGoogleOptions & { secrets?: SecretBox } = {}): Promise<GoogleFixture> {
  const fake = await startFakeGoogle(options)
  const client = googleClientFor(fake)
  // Share a key with another integration's fixture when both are on: services hold one box.
  const secrets = options.secrets ?? createSecretBox(randomBytes(32))
  return {
    fake,
    client,
    secrets,
    services: { integrations: { google: client }, secrets },
    async connect(db, tenantId, userId, features, email) {
      const account = email ?? `person-${randomBytes(4).toString('hex')}@example.com`
      const asked = client.authorizeUrl({
        state: 'state',
        redirectUri: GOOGLE_REDIRECT,
        scopes: features.flatMap((f) => FEATURE_SCOPES[f]),
      })
      const back = new URL(fake.consent(asked, account))
      const tokens = await client.exchangeCode(back.searchParams.get('code') ?? '', GOOGLE_REDIRECT, new Date())
      await withTenant(db, { tenantId, actorType: 'system' }, (tx) =>
        saveGoogleConnection(tx, {
          tenantId,
          userId,
          email: account,
          tokens: sealGoogleTokens(secrets, tokens),
          scopes: tokens.scopes,
          features,
        }),
      )
      return account
    },
    close: () => fake.close(),
  }
}
