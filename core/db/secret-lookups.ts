import type { Queryable } from './types.js'

/**
 * The sign-in secrets (migration 0107: each is one table's secret column): a person's or agent's credential, under the
 * sign-in limits. The secrets of public links are not listed here: each kind is declared by its domain with
 * defineSecretLink (core/links/secret-link.ts), and its unknown secrets count against the client (core/http/link-guesses.ts).
 */
export const SIGN_IN_KINDS = ['agent_token_prefix', 'magic_link', 'session', 'oauth_code', 'oauth_token'] as const

/** A sign-in secret's kind: one of SIGN_IN_KINDS. */
export type SignInKind = (typeof SIGN_IN_KINDS)[number]

/** A public link's kind, as only defineSecretLink names one. */
export type LinkKindName = string & { readonly declaredLink: unique symbol }

/** What a secret opens: a sign-in kind, or a declared link kind. */
export type SecretKind = SignInKind | LinkKindName

/**
 * The business a presented secret belongs to, from the one global table that maps a secret's hash (or an agent token's
 * prefix) to it; null for an unknown secret. Runs inside withSignInLookup with that hash or prefix set, before the
 * secret's own row is read within the business: on a database sharded by business that read reaches one shard.
 */
export async function businessOfSecret(tx: Queryable, kind: SecretKind, key: string): Promise<string | null> {
  const r = await tx.query<{ tenant_id: string }>('select tenant_id from secret_lookups where kind = $1 and lookup_key = $2', [kind, key])
  return r.rows[0]?.tenant_id ?? null
}
