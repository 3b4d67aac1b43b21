import { randomBytes } from 'node:crypto'
import type { QuickBooksClient } from '../../core/domains/quickbooks/client/quickbooks.js'
import { withTenant } from '../../core/db/tenant.js'
import type { Database } from '../../core/db/types.js'
import { saveConnection } from '../../core/domains/quickbooks/connection.js'
import { sealTokens } from '../../core/domains/quickbooks/tokens.js'
import { createSecretBox, type SecretBox } from '../../core/kernel/secret-box.js'
import { clientFor, REDIRECT } from '../clients/quickbooks-connect.js'
import { type FakeQuickBooks, startFakeQuickBooks } from './fake-quickbooks.js'

/** The local QuickBooks, a client pointed at it and a key for tokens: what a test's services need to sync. */
export interface QuickBooksFixture {
  fake: FakeQuickBooks
  client: QuickBooksClient
  secrets: SecretBox
  /** The services' overrides that turn QuickBooks on. */
  services: { integrations: { quickbooks: QuickBooksClient }; secrets: SecretBox }
  /** Connects a business to a company of its own in the fake, as the owner's connect would (code exchanged, tokens sealed); returns its realm id. */
  connect(db: Database, tenantId: string, userId: string | null): Promise<string>
  close(): Promise<void>
}

/** Starts the local QuickBooks for a test file. */
export async function quickbooksFixture(): Promise<QuickBooksFixture> {
  const fake = await startFakeQuickBooks()
  const client = clientFor(fake)
  const secrets = createSecretBox(randomBytes(32))
  return {
    fake,
    client,
    secrets,
    services: { integrations: { quickbooks: client }, secrets },
    async connect(db, tenantId, userId) {
      const realmId = String(9_130_000_000 + Math.floor(Math.random() * 1_000_000_000))
      const back = new URL(fake.authorizeCode(realmId, REDIRECT, 'state'))
      const tokens = await client.exchangeCode(back.searchParams.get('code') ?? '', REDIRECT, new Date())
      await withTenant(db, { tenantId, actorType: 'system' }, (tx) =>
        saveConnection(tx, tenantId, realmId, sealTokens(secrets, tokens), userId),
      )
      return realmId
    },
    close: () => fake.close(),
  }
}
