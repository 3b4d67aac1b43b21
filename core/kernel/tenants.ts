import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { systemAuditor, writeAudit } from './audit.js'
import { createAgentToken } from '../auth/agent-tokens.js'
import { insertDefaultTemplates } from '../domains/messages/default-templates.js'
import { assertDatabaseTimeZone } from '../vocabulary/time-zone-check.js'
import { setLocal, type TenantScope, withTenant } from '../db/tenant.js'
import { rolesOf } from '../db/roles.js'
import { translateDatabaseError } from '../db/translate-error.js'
import type { Database, Queryable } from '../db/types.js'
import { PERSON_NAME_MAX } from '../vocabulary/person-name.js'
import { parseInput } from './validation.js'

/** What a new business needs. */
export const newTenantInput = z.object({
  name: z.string().trim().min(1).max(200),
  owner_email: z.email(),
  // Optional, but never blank when given: the owner is then shown by their email until they name themselves.
  owner_name: z.string().trim().min(1, 'is blank: give a name, or leave it out').max(PERSON_NAME_MAX).optional(),
  timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as America/Chicago').default('America/Chicago'),
})

/** A business as created, with the agent token shown this once. */
export interface CreatedTenant {
  tenant_id: string
  owner_user_id: string
  agent_token: string
}

/** Creates a business with its owner and a first agent token, all or nothing. */
export async function createTenant(db: Database, raw: z.input<typeof newTenantInput>): Promise<CreatedTenant> {
  const input = parseInput(newTenantInput, raw, '')
  const tenantId = randomUUID()
  return withTenant(db, { tenantId, actorType: 'system' }, (tx) => insertTenant(tx, tenantId, input))
}

/** Any number shared by every process: serializes first-start bootstrap across servers on one database. */
const BOOTSTRAP_LOCK_KEY = 724_311_902

/** Creates the first business unless one was already created (by this or another process); null then. */
export async function bootstrapFirstTenant(db: Database, raw: z.input<typeof newTenantInput>): Promise<CreatedTenant | null> {
  // Every start after the first ends here: checking the time zone loads ICU's zone data, which a restart need not wait for.
  if (await firstTenantId(db)) return null
  const input = parseInput(newTenantInput, raw, '')
  try {
    return await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY])
      if ((await tx.query('select 1 from installation')).rows.length) return null
      const tenantId = randomUUID()
      await tx.query('insert into installation (first_tenant_id) values ($1)', [tenantId])
      await setLocal(tx, { role: rolesOf(db).app, 'app.tenant_id': tenantId })
      return insertTenant(tx, tenantId, input)
    })
  } catch (err) {
    throw translateDatabaseError(err)
  }
}

/** The business created at first start, or null before it (read as the connection's own role, like migrations). */
export async function firstTenantId(db: Database): Promise<string | null> {
  const r = await db.query<{ first_tenant_id: string }>('select first_tenant_id from installation')
  return r.rows[0]?.first_tenant_id ?? null
}

/** The name of the business a signed-in person belongs to, as its pages show it. */
export async function businessNameOf(db: Database, who: TenantScope): Promise<string | null> {
  return withTenant(db, who, async (tx) => (await tx.query<{ name: string }>('select name from tenants')).rows[0]?.name ?? null)
}

async function insertTenant(tx: Queryable, tenantId: string, input: z.output<typeof newTenantInput>): Promise<CreatedTenant> {
  await assertDatabaseTimeZone(tx, input.timezone, 'timezone')
  await tx.query('insert into tenants (id, name, timezone) values ($1, $2, $3)', [tenantId, input.name, input.timezone])
  const u = await tx.query<{ id: string }>(`insert into users (tenant_id, email, name, role) values ($1, $2, $3, 'owner') returning id`, [
    tenantId,
    input.owner_email,
    input.owner_name ?? '',
  ])
  const token = await createAgentToken(tx, tenantId, 'office manager')
  const who = systemAuditor(tenantId, 'tenant-create')
  await writeAudit(tx, who, {
    entityType: 'tenant',
    entityId: tenantId,
    action: 'create',
    after: { name: input.name, timezone: input.timezone },
  })
  await writeAudit(tx, who, {
    entityType: 'user',
    entityId: u.rows[0].id,
    action: 'create',
    after: { email: input.owner_email, name: input.owner_name ?? '', role: 'owner' },
  })
  await insertDefaultTemplates(tx, who)
  return { tenant_id: tenantId, owner_user_id: u.rows[0].id, agent_token: token.token }
}

/** True for a time zone name the runtime knows, such as America/Chicago. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
