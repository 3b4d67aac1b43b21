import { keepReadAhead, type ReadAhead } from './read-memo.js'
import type { Database, Queryable } from './types.js'
import { rolesOf } from './roles.js'
import { translateDatabaseError } from './translate-error.js'

// The roles (core/db/roles.ts): requests run as the app role, not a superuser and owner of nothing, so row level
// security always applies; sign-in lookups as the only role the lookup policies admit rows to (migration 0016); the
// worker's and webhooks' cross-business functions as a role that can call those and read nothing.

/** Who a transaction runs for; the database's policies and triggers read these settings. */
export interface TenantScope {
  tenantId: string
  actorType: 'user' | 'agent' | 'system'
  actorId?: string | null
  requestId?: string
  /** An agent token remembered rather than looked up: the transaction's BEGIN checks it is still live (SQLSTATE 28000 when not). */
  liveToken?: string
}

/**
 * Runs fn in one transaction as the app role with the tenant set; nothing outlives the transaction. `readAhead` reads
 * travel with BEGIN, as the app role with the tenant set, and are answered by `remembered` inside fn.
 */
export async function withTenant<T>(
  db: Database,
  scope: TenantScope,
  fn: (tx: Queryable) => Promise<T>,
  opts: { readOnly?: boolean; readAhead?: readonly ReadAhead[] } = {},
): Promise<T> {
  return inRole(
    db,
    rolesOf(db).app,
    {
      'app.tenant_id': scope.tenantId,
      'app.actor_type': scope.actorType,
      'app.actor_id': scope.actorId ?? '',
      'app.request_id': scope.requestId ?? '',
      ...(opts.readOnly ? { transaction_read_only: 'on' } : {}),
    },
    fn,
    opts.readAhead,
    scope.liveToken ? [`select agent_token_live(${sqlLiteral(scope.liveToken)}::uuid)`] : [],
  )
}

/** Runs fn as the sign-in role with no tenant, allowed to see only the rows matching one sign-in secret, email or request page slug. */
export async function withSignInLookup<T>(
  db: Database,
  lookup: { tokenHash?: string; tokenPrefix?: string; email?: string; requestSlug?: string },
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  return inRole(
    db,
    rolesOf(db).signIn,
    {
      'app.lookup_token_hash': lookup.tokenHash ?? '',
      'app.lookup_token_prefix': lookup.tokenPrefix ?? '',
      'app.lookup_email': lookup.email?.toLowerCase() ?? '',
      'app.lookup_request_slug': lookup.requestSlug ?? '',
    },
    fn,
  )
}

/** Runs fn as the worker role: it may call the cross-business functions of the worker and webhooks, and read no table. */
export async function withWorkerRole<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return inRole(db, rolesOf(db).worker, {}, fn)
}

async function inRole<T>(
  db: Database,
  role: string,
  settings: Record<string, string>,
  fn: (tx: Queryable) => Promise<T>,
  readAhead: readonly ReadAhead[] = [],
  checks: readonly string[] = [],
): Promise<T> {
  // SET LOCAL statements, not set_config calls: a sharded PostgreSQL (Citus) carries SET LOCAL to every node of the
  // transaction, and row level security is checked there. Values go as literals, not parameters, so the settings and
  // the reads travel with BEGIN in one round trip.
  // Checks (a remembered token still live) run as the role, for the tenant, before anything the transaction reads.
  const settingStatements = [...setLocalStatements({ role, ...settings }), ...checks]
  // Each read is a statement of its own after the settings, so it runs as the role, for the tenant, like any other.
  const setup = [...settingStatements, ...readAhead.map((r) => r.sql)].join('; ')
  try {
    return await db.transaction((tx, setupRows) => {
      // An engine or wrapper that gives no rows back leaves the reads to be sent again when asked.
      readAhead.forEach((r, i) => {
        const rows = setupRows?.[settingStatements.length + i]
        if (rows) keepReadAhead(tx, r.key, rows)
      })
      return fn(tx)
    }, setup)
  } catch (err) {
    throw translateDatabaseError(err)
  }
}

/** A string as an escape-string SQL literal, the same whatever standard_conforming_strings says. */
export function sqlLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('A setting may not contain a NUL character')
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

/** An array of text values as an SQL literal, for a cast to follow (`::uuid[]`): `array[...]`, or `'{}'` when empty. */
export function sqlArray(values: readonly string[]): string {
  return values.length ? `array[${values.map(sqlLiteral).join(', ')}]` : "'{}'"
}

/** A setting's name as SET takes it unquoted: our own names only, never text from a request. */
const SETTING_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/

/** `set local name = 'value'` for each setting, values as literals (SET takes no parameters). */
export function setLocalStatements(settings: Record<string, string>): string[] {
  return Object.entries(settings).map(([name, value]) => {
    if (!SETTING_NAME.test(name)) throw new Error(`Not a setting name: ${name}`)
    return `set local ${name} = ${sqlLiteral(value)}`
  })
}

/** Sets settings for the rest of the transaction, as SET LOCAL statements (see inRole for why), one query each. */
export async function setLocal(tx: Queryable, settings: Record<string, string>): Promise<void> {
  for (const statement of setLocalStatements(settings)) await tx.query(statement)
}
