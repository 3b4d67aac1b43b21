import type { Database } from './types.js'

/** The database roles one installation's requests, sign-in lookups and worker run as. */
export interface DatabaseRoles {
  app: string
  signIn: string
  worker: string
}

/** A role prefix as CRM_DB_ROLE_PREFIX takes it: a lower-case SQL name short enough for its longest role. */
export const ROLE_PREFIX = /^[a-z][a-z0-9_]{0,40}$/

/** The prefix of an installation that sets none: the roles every migration names. */
export const DEFAULT_ROLE_PREFIX = 'crm'

/** The roles of an installation with this prefix: `<prefix>_app`, `<prefix>_sign_in`, `<prefix>_worker`. */
export function rolesFor(prefix: string): DatabaseRoles {
  if (!ROLE_PREFIX.test(prefix)) throw new Error(`Not a role prefix: ${prefix}`)
  return { app: `${prefix}_app`, signIn: `${prefix}_sign_in`, worker: `${prefix}_worker` }
}

/** The roles of an installation that sets no prefix. */
export const DEFAULT_ROLES = rolesFor(DEFAULT_ROLE_PREFIX)

/** The roles a database's installation uses (the default where the opener gave none, as the embedded engine's). */
export function rolesOf(db: Database): DatabaseRoles {
  return db.roles ?? DEFAULT_ROLES
}

/** How the migrations and function files spell the roles. */
const WRITTEN_ROLE = /\bcrm_(app|sign_in|worker)\b/g

/**
 * SQL as written (naming crm_app, crm_sign_in, crm_worker) for an installation's own roles. Roles belong to the whole
 * PostgreSQL server, not to one database: two installations on one server that shared them could each act as the other.
 */
export function withRoles(sql: string, roles: DatabaseRoles): string {
  if (roles === DEFAULT_ROLES) return sql
  const named: Record<string, string> = { app: roles.app, sign_in: roles.signIn, worker: roles.worker }
  return sql.replace(WRITTEN_ROLE, (_all, kind: string) => named[kind])
}
