import { randomUUID } from 'node:crypto'
import { withTenant } from '../../../core/db/tenant.js'
import type { Queryable } from '../../../core/db/types.js'
import { syncCompany } from '../../../core/domains/quickbooks/sync/sync-company.js'
import { performAction } from '../../../core/kernel/operations.js'
import type { TestApp } from '../../helpers/app.js'
import type { QuickBooksFixture } from '../../helpers/quickbooks.js'

/** A business of its own, connected to a QuickBooks company of its own in the fake. */
export interface Business {
  tenantId: string
  realmId: string
  /** The business's own agent token. */
  agentToken: string
  /** Runs an action as the business's owner; returns its result. */
  act<T = any>(domain: string, action: string, data: Record<string, unknown>): Promise<T>
  /** SQL as the business, the way requests run it. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>
  /** One sync of its company, as the worker runs it. */
  sync(): ReturnType<typeof syncCompany>
}

/** Makes a business in the test database and connects it as the owner would (code exchanged, tokens sealed). */
export async function connectedBusiness(app: TestApp, qb: QuickBooksFixture): Promise<Business> {
  const tenant = await app.createTenant(`Windows ${randomUUID().slice(0, 6)}`)
  const owner = { tenantId: tenant.tenant_id, actor: { type: 'user' as const, id: tenant.owner_user_id, role: 'owner' as const } }
  const inBusiness = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(app.t.db, { tenantId: tenant.tenant_id, actorType: 'system' }, fn)
  const realmId = await qb.connect(app.t.db, tenant.tenant_id, tenant.owner_user_id)
  return {
    tenantId: tenant.tenant_id,
    realmId,
    agentToken: tenant.agent_token,
    act: async (domain, action, data) =>
      (await performAction(app.services, owner, { domain, action, data }, { requestId: randomUUID() })).result as any,
    sql: async (text, params = []) => (await inBusiness((tx) => tx.query(text, params))).rows as any[],
    sync: () => syncCompany(app.services, tenant.tenant_id, randomUUID()),
  }
}

/** A contact with a sent invoice of these lines; returns both ids and the invoice's number. */
export async function sentInvoice(
  b: Business,
  contact: Record<string, unknown> | string,
  lines: Array<Record<string, unknown>>,
): Promise<{ contactId: string; invoiceId: string; number: string; totalCents: number }> {
  const contactId = typeof contact === 'string' ? contact : (await b.act('contact', 'create', contact)).id
  const invoice = await b.act('invoice', 'create', { contact_id: contactId, line_items: lines })
  await b.act('invoice', 'mark_sent', { invoice_id: invoice.id })
  return { contactId, invoiceId: invoice.id, number: invoice.number, totalCents: Number(invoice.total_cents) }
}

/** The sync row of a record. */
export async function syncRow(b: Business, kind: string, id: string): Promise<Record<string, any> | undefined> {
  return (await b.sql('select * from quickbooks_records where kind = $1 and record_id = $2', [kind, id]))[0]
}
