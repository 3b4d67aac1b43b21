import { hashSecret, newSecret } from '../auth/secrets.js'
import type { Services } from '../kernel/context.js'
import { businessOfSecret, type LinkKindName } from '../db/secret-lookups.js'
import { withSignInLookup, withTenant } from '../db/tenant.js'
import type { Database, Queryable } from '../db/types.js'

/*
 * A secret link is the only credential of a public page: 32 random bytes in its address, only their SHA-256 kept in the
 * row it opens. The row's trigger (migration 0107) records the hash in secret_lookups, the one global table that leads a
 * presented secret to its business before anything of that business is read.
 */

/** What one use of a link does: works once (`single`), stamps each opening and keeps working (`counted`), or keeps working with its first use kept (`lasting`). */
export type LinkUse = 'single' | 'counted' | 'lasting'

/** How long a link works: as long as its row stands, until its row's own `expires_at`, or a number of days from minting. */
export type LinkLife = 'forever' | 'until_expires_at' | { days: number }

/** A kind of secret link as its domain declares it, once. */
export interface SecretLinkSpec<K extends string> {
  /** The kind's name in secret_lookups; the table's trigger records its secrets under it. */
  kind: K
  /** The table holding one row per link, with its secret's hash in `token_hash`. */
  table: string
  /** What the link opens, in words: the record it points at. */
  opens: string
  lives: LinkLife
  use: LinkUse
  /** The column one use stamps, when not the use's own (`used_at`, or `last_opened_at` when counted). */
  stamps?: string
}

/** A link's secret as the database knows it, and the business it belongs to. */
export interface FoundLink {
  tenantId: string
  tokenHash: string
}

/** A declared kind of secret link, with what every kind does the same way. */
export interface SecretLink<K extends string = string> extends SecretLinkSpec<K> {
  /** The kind's name as secret_lookups knows it. */
  lookupKind: LinkKindName
  /** A new secret for the link's address and the hash its row keeps. */
  mint(): { secret: string; hash: string }
  /** When a link of a kind that lives some days, minted now, stops working. */
  expiresAt(now: Date): Date
  /** The business a presented secret belongs to, by its hash alone; null for a malformed or unknown secret. */
  find(db: Database, secret: string): Promise<FoundLink | null>
  /**
   * Runs `use` in the transaction of the secret's business, as the system, its link row locked first when `lock`; null,
   * running nothing, for a malformed or unknown secret.
   */
  inBusiness<T>(
    services: Services,
    secret: string,
    requestId: string | undefined,
    use: (tx: Queryable, found: FoundLink) => Promise<T>,
    opts?: { lock?: boolean },
  ): Promise<T | null>
  /** Records one use of the link whose secret has this hash, as its kind's `use` says; answers the time recorded. */
  recordUse(tx: Queryable, tokenHash: string, at: Date): Promise<Date | null>
}

/** A secret's shape (32 random bytes, base64url); anything else is refused before the database is asked. */
export const LINK_SECRET = /^[A-Za-z0-9_-]{43}$/

/** How one use stamps its column: a later use of a lasting link keeps the first stamp. */
const USE_SQL: Record<LinkUse, (column: string) => string> = {
  single: (c) => `${c} = $2`,
  counted: (c) => `${c} = $2`,
  lasting: (c) => `${c} = coalesce(${c}, $2)`,
}

/** Every kind declared so far, so declarations can be told from other exports. */
const DECLARED = new WeakSet<object>()

/** Whether a value is a kind of link made by defineSecretLink. */
export function isSecretLink(value: unknown): value is SecretLink {
  return typeof value === 'object' && value !== null && DECLARED.has(value)
}

/** Declares a kind of secret link: mint, hash, find its business, lock its row and record its use, the same for every kind. */
export function defineSecretLink<const K extends string>(spec: SecretLinkSpec<K>): SecretLink<K> {
  const lookupKind = spec.kind as string as LinkKindName
  const find = async (db: Database, secret: string): Promise<FoundLink | null> => {
    if (!LINK_SECRET.test(secret)) return null
    const tokenHash = hashSecret(secret)
    const tenantId = await withSignInLookup(db, { tokenHash }, (tx) => businessOfSecret(tx, lookupKind, tokenHash))
    return tenantId ? { tenantId, tokenHash } : null
  }
  const link: SecretLink<K> = {
    ...spec,
    lookupKind,
    mint() {
      const secret = newSecret()
      return { secret, hash: hashSecret(secret) }
    },
    expiresAt(now) {
      if (typeof spec.lives !== 'object') throw new Error(`A ${spec.kind} lives ${spec.lives}, not a number of days`)
      return new Date(now.getTime() + spec.lives.days * 86_400_000)
    },
    find,
    async inBusiness(services, secret, requestId, use, opts = {}) {
      const found = await find(services.db, secret)
      if (!found) return null
      return withTenant(services.db, { tenantId: found.tenantId, actorType: 'system', requestId }, async (tx) => {
        if (opts.lock) await tx.query(`select 1 from ${spec.table} where token_hash = $1 for update`, [found.tokenHash])
        return use(tx, found)
      })
    },
    async recordUse(tx, tokenHash, at) {
      const column = spec.stamps ?? (spec.use === 'counted' ? 'last_opened_at' : 'used_at')
      const r = await tx.query<{ at: Date }>(
        `update ${spec.table} set ${USE_SQL[spec.use](column)} where token_hash = $1 returning ${column} as at`,
        [tokenHash, at],
      )
      return r.rows[0]?.at ?? null
    },
  }
  DECLARED.add(link)
  return link
}
