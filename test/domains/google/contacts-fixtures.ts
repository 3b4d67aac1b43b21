import { randomUUID } from 'node:crypto'
import { withTenant } from '../../../core/db/tenant.js'
import type { Queryable } from '../../../core/db/types.js'
import type { GoogleFeature } from '../../../core/domains/google/features.js'
import { syncGoogleAccount } from '../../../core/domains/google/sync/sync-account.js'
import { performAction } from '../../../core/kernel/operations.js'
import type { TestApp } from '../../helpers/app.js'
import type { GoogleFixture } from '../../helpers/google.js'

/** A business of its own whose owner connected a Google account of their own. */
export interface GoogleBusiness {
  tenantId: string
  ownerId: string
  /** The owner's Google account. */
  email: string
  agentToken: string
  /** Runs an action as the business's owner; returns its result. */
  act<T = any>(domain: string, action: string, data: Record<string, unknown>): Promise<T>
  /** SQL as the business, the way requests run it. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>
  /** One sync of the owner's account, as the worker runs it. */
  sync(): ReturnType<typeof syncGoogleAccount>
}

/** Makes a business and connects its owner's Google account for these features. */
export async function googleBusiness(
  app: TestApp,
  google: GoogleFixture,
  features: GoogleFeature[] = ['contacts'],
): Promise<GoogleBusiness> {
  const tenant = await app.createTenant(`Windows ${randomUUID().slice(0, 6)}`)
  const ownerId = tenant.owner_user_id
  const owner = { tenantId: tenant.tenant_id, actor: { type: 'user' as const, id: ownerId, role: 'owner' as const } }
  const inBusiness = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(app.t.db, { tenantId: tenant.tenant_id, actorType: 'system' }, fn)
  const email = await google.connect(app.t.db, tenant.tenant_id, ownerId, features)
  return {
    tenantId: tenant.tenant_id,
    ownerId,
    email,
    agentToken: tenant.agent_token,
    act: async (domain, action, data) =>
      (await performAction(app.services, owner, { domain, action, data }, { requestId: randomUUID() })).result as any,
    sql: async (text, params = []) => (await inBusiness((tx) => tx.query(text, params))).rows as any[],
    sync: () => syncGoogleAccount(app.services, tenant.tenant_id, ownerId, randomUUID()),
  }
}

/** The business's customers brought in from Google, by name. */
export async function googleCustomers(
  b: GoogleBusiness,
): Promise<Array<{ display_name: string; email: string | null; phone: string | null }>> {
  return b.sql(
    `select c.display_name, c.email, c.phone from contacts c
     where c.id in (select contact_id from contact_external_ids where source = 'google') order by c.display_name`,
  )
}
