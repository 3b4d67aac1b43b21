import { withTenant } from '../../../core/db/tenant.js'
import { readMigrations } from '../../../core/db/migrate.js'
import type { Database } from '../../../core/db/types.js'
import { bootstrapFirstTenant } from '../../../core/kernel/tenants.js'

/** The migrations of the release before backups were recorded: a database on them has migrations pending. */
export const BEFORE_BACKUPS = readMigrations().filter((f) => f.version < 117)

/**
 * The first business made by today's code on that release's schema: today's code writes a default template of each
 * message kind it knows, and the kinds added since that release are taken out again, so the rows fit the old schema.
 */
export async function bootstrapOnOldSchema(db: Database) {
  const rule = await db.query<{ def: string }>(
    `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'message_templates_kind_check'`,
  )
  const kinds = [...rule.rows[0].def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1])
  await db.query('alter table message_templates drop constraint message_templates_kind_check')
  const created = await bootstrapFirstTenant(db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })
  await withTenant(db, { tenantId: created!.tenant_id, actorType: 'system' }, (tx) =>
    tx.query('delete from message_templates where kind <> all($1::text[])', [kinds]),
  )
  await db.query(`alter table message_templates add constraint message_templates_kind_check ${rule.rows[0].def}`)
  return created
}
