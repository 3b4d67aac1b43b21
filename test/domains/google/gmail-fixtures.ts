import { randomUUID } from 'node:crypto'
import { withTenant } from '../../../core/db/tenant.js'
import type { Queryable } from '../../../core/db/types.js'
import { syncGoogleAccount } from '../../../core/domains/google/sync/sync-account.js'
import { performAction } from '../../../core/kernel/operations.js'
import type { TestApp } from '../../helpers/app.js'
import type { GoogleFixture } from '../../helpers/google.js'

/** A business of its own whose owner connected their Gmail. */
export interface GmailBusiness {
  tenantId: string
  ownerId: string
  agentToken: string
  /** The owner's Gmail address. */
  account: string
  /** Runs an action as the owner; returns its result. */
  act<T = any>(domain: string, action: string, data: Record<string, unknown>): Promise<T>
  /** SQL as the business. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>
  /** One sync of the owner's account, as the worker runs it; returns the gmail step's report. */
  sync(): Promise<Record<string, number>>
}

/** Makes a business and connects its owner's Gmail (a fresh account in the fake unless given). */
export async function gmailBusiness(app: TestApp, google: GoogleFixture): Promise<GmailBusiness> {
  const tenant = await app.createTenant(`Windows ${randomUUID().slice(0, 6)}`)
  const owner = { tenantId: tenant.tenant_id, actor: { type: 'user' as const, id: tenant.owner_user_id, role: 'owner' as const } }
  const inBusiness = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(app.t.db, { tenantId: tenant.tenant_id, actorType: 'system' }, fn)
  const account = await google.connect(
    app.t.db,
    tenant.tenant_id,
    tenant.owner_user_id,
    ['gmail'],
    `owner-${randomUUID().slice(0, 8)}@sparkle.example`,
  )
  return {
    tenantId: tenant.tenant_id,
    ownerId: tenant.owner_user_id,
    agentToken: tenant.agent_token,
    account,
    act: async (domain, action, data) =>
      (await performAction(app.services, owner, { domain, action, data }, { requestId: randomUUID() })).result as any,
    sql: async (text, params = []) => (await inBusiness((tx) => tx.query(text, params))).rows as any[],
    sync: async () => (await syncGoogleAccount(app.services, tenant.tenant_id, tenant.owner_user_id, randomUUID())).steps.gmail,
  }
}

/** The business's email interactions, oldest first. */
export function emailInteractions(b: GmailBusiness): Promise<any[]> {
  return b.sql(`select * from interactions where kind = 'email' order by occurred_at, created_at`)
}
