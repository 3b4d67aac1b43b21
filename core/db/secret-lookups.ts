import type { Queryable } from './types.js'

/**
 * Every kind of secret (migration 0107: each is one table's secret column) and how it is presented: `link` in the address
 * of a public page, whose unknown secrets count against the client (core/http/link-guesses.ts); `sign_in` as a person's or
 * agent's credential, under the sign-in limits instead.
 */
export const SECRET_KINDS = {
  agent_token_prefix: 'sign_in',
  magic_link: 'sign_in',
  session: 'sign_in',
  oauth_code: 'sign_in',
  oauth_token: 'sign_in',
  calendar_feed: 'link',
  pay_link: 'link',
  response_link: 'link',
  slot_offer: 'link',
  approval_link: 'link',
  reach_out_stop: 'link',
  card_link: 'link',
} as const satisfies Record<string, 'link' | 'sign_in'>

/** What a secret opens: one of SECRET_KINDS. */
export type SecretKind = keyof typeof SECRET_KINDS

/**
 * The business a presented secret belongs to, from the one global table that maps a secret's hash (or an agent token's
 * prefix) to it; null for an unknown secret. Runs inside withSignInLookup with that hash or prefix set, before the
 * secret's own row is read within the business: on a database sharded by business that read reaches one shard.
 */
export async function businessOfSecret(tx: Queryable, kind: SecretKind, key: string): Promise<string | null> {
  const r = await tx.query<{ tenant_id: string }>('select tenant_id from secret_lookups where kind = $1 and lookup_key = $2', [kind, key])
  return r.rows[0]?.tenant_id ?? null
}
