import {
  createQuickBooksClient,
  type QuickBooksClient,
  type QuickBooksClientOptions,
  type QuickBooksCompany,
  type QuickBooksTokens,
  quickbooksConfigFromEnv,
} from '../../core/domains/quickbooks/client/quickbooks.js'
import type { FakeQuickBooks } from '../helpers/fake-quickbooks.js'

/** The redirect address tests connect with. */
export const REDIRECT = 'http://127.0.0.1:3000/settings/quickbooks/callback'

/** A client pointed at the fake, with these variables and knobs on top. */
export function clientFor(fake: FakeQuickBooks, env: Record<string, string> = {}, options: QuickBooksClientOptions = {}): QuickBooksClient {
  const config = quickbooksConfigFromEnv({ ...fake.env, QUICKBOOKS_THROTTLE_WAIT_MS: '50', ...env })
  if (!config) throw new Error('the fake gave no client id')
  return createQuickBooksClient(config, { backoffMs: [20, 40, 80], ...options })
}

/** A company connected as the owner would: approve, exchange the code; tokens are refreshed after a 401. */
export async function connect(
  fake: FakeQuickBooks,
  client: QuickBooksClient,
  realmId = fake.realmId,
): Promise<{ company: QuickBooksCompany; tokens: () => QuickBooksTokens; refreshes: () => number }> {
  const back = new URL(fake.authorizeCode(realmId, REDIRECT, 'state-1'))
  let tokens = await client.exchangeCode(back.searchParams.get('code') ?? '', REDIRECT, new Date())
  let refreshes = 0
  const company = client.company(realmId, {
    accessToken: async () => tokens.accessToken,
    afterUnauthorized: async () => {
      refreshes++
      tokens = await client.refresh(tokens.refreshToken, new Date())
      return tokens.accessToken
    },
  })
  return { company, tokens: () => tokens, refreshes: () => refreshes }
}
