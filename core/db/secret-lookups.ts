import type { Queryable } from './types.js'

/** What a secret opens (migration 0107): each kind is one table's secret column. */
export type SecretKind =
  | 'agent_token_prefix'
  | 'magic_link'
  | 'session'
  | 'oauth_code'
  | 'oauth_token'
  | 'calendar_feed'
  | 'pay_link'
  | 'response_link'
  | 'slot_offer'
  | 'approval_link'
  | 'reach_out_stop'
  | 'card_link'

/**
 * The business a presented secret belongs to, from the one global table that maps a secret's hash (or an agent token's
 * prefix) to it; null for an unknown secret. Runs inside withSignInLookup with that hash or prefix set, before the
 * secret's own row is read within the business: on a database sharded by business that read reaches one shard.
 */
export async function businessOfSecret(tx: Queryable, kind: SecretKind, key: string): Promise<string | null> {
  const r = await tx.query<{ tenant_id: string }>('select tenant_id from secret_lookups where kind = $1 and lookup_key = $2', [kind, key])
  return r.rows[0]?.tenant_id ?? null
}
