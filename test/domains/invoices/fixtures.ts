import { withTenant } from '../../../core/db/tenant.js'
import type { Queryable } from '../../../core/db/types.js'
import type { TestApp } from '../../helpers/app.js'

/** Runs SQL as the app role inside the test business, the way requests do. */
export function asTenant<T>(app: TestApp, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, fn)
}

/** Runs an action as the test business's agent; anything but success fails the test's setup. */
async function made(app: TestApp, domain: string, action: string, data: Record<string, unknown>): Promise<any> {
  const r = await app.action(domain, action, data)
  if (r.status !== 200) throw new Error(`${domain}.${action} failed: ${JSON.stringify(r.body.error)}`)
  return r.body.data
}

/** A contact made through the API. */
export async function contact(app: TestApp, data: Record<string, unknown>): Promise<string> {
  return (await made(app, 'contact', 'create', data)).id
}

/** A service address of a contact. */
export async function address(
  app: TestApp,
  contactId: string,
  a: { line1: string; city: string; state?: string; postal_code: string },
): Promise<string> {
  return (await made(app, 'address', 'add', { contact_id: contactId, state: 'AL', ...a })).id
}

/** A catalog service. */
export async function service(
  app: TestApp,
  s: { name: string; pricing?: string; price_cents?: number | null; unit_name?: string; taxable?: boolean },
): Promise<string> {
  return (await made(app, 'service', 'create', { pricing: 'fixed', price_cents: 1000, ...s })).id
}

/** A ticket of a contact with its line items; a status other than scheduled is then set in the database (completed closes it). */
export async function ticket(
  app: TestApp,
  contactId: string,
  lines: Array<Record<string, unknown>>,
  status = 'scheduled',
): Promise<{ id: string; number: number }> {
  const t = await made(app, 'ticket', 'create', {
    contact_id: contactId,
    scheduled_start: '2026-03-02T15:00:00Z',
    duration_minutes: 120,
    line_items: lines,
  })
  if (status !== 'scheduled') {
    await asTenant(app, (tx) =>
      tx.query(`update tickets set status = $1, closed_at = case when $1 = 'completed' then now() end where id = $2`, [status, t.id]),
    )
  }
  return { id: t.id, number: t.number }
}

/** How the test business's customers pay when no Stripe is set up: without it invoices are not emailed. */
export const PAYMENT_INSTRUCTIONS = 'Checks payable to Sparkle Windows, 12 Main St, Huntsville AL'

/** Changes the business's settings directly (tax rate, invoice prefix, payment terms, payment instructions). */
export async function settings(
  app: TestApp,
  s: { default_tax_rate_bp?: number; invoice_prefix?: string; invoice_terms_days?: number; payment_instructions?: string },
): Promise<void> {
  for (const [column, value] of Object.entries(s)) {
    await app.t.db.query(`update tenants set ${column} = $1 where id = $2`, [value, app.tenant.tenant_id])
  }
}

/** How many rows of a table the test business has. */
export async function count(app: TestApp, table: string): Promise<number> {
  return asTenant(app, async (tx) => Number((await tx.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0].n))
}

/** The audit actions recorded for one record, oldest first. */
export async function auditActions(app: TestApp, entityType: string, entityId: string): Promise<string[]> {
  return asTenant(app, async (tx) =>
    (
      await tx.query<{ action: string }>('select action from audit_log where entity_type = $1 and entity_id = $2 order by id', [
        entityType,
        entityId,
      ])
    ).rows.map((r) => r.action),
  )
}
