import { withTenant } from '../../../core/db/tenant.js'
import type { Queryable } from '../../../core/db/types.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import type { TestApp } from '../../helpers/app.js'

/** Runs SQL as the app role inside the test business, the way requests do. */
export function asTenant<T>(app: TestApp, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, fn)
}

/** Runs an action as the test business's agent and returns its data; anything but success fails the test. */
export async function made(app: TestApp, domain: string, action: string, data: Record<string, unknown>, reasoning?: string): Promise<any> {
  return expectData(await app.action(domain, action, data, { reasoning }))
}

/** A contact made through the API. */
export async function newContact(app: TestApp, data: Record<string, unknown>): Promise<string> {
  return (await made(app, 'contact', 'create', data)).id
}

/** A ticket (appointment) of a contact with one line item, made through the API. */
export async function newTicket(
  app: TestApp,
  contactId: string,
  data: Record<string, unknown> = {},
): Promise<{ id: string; number: number }> {
  const t = await made(app, 'ticket', 'create', {
    contact_id: contactId,
    scheduled_start: '2031-03-04T15:00:00Z',
    duration_minutes: 120,
    line_items: [{ description: 'Exterior Window Cleaning', unit_price_cents: 18_000 }],
    ...data,
  })
  return { id: t.id, number: t.number }
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

/** How many rows of a table the test business has. */
export async function count(app: TestApp, table: string): Promise<number> {
  return asTenant(app, async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0].n)
}

/** The fields named by a validation error. */
export function fieldsOf(res: { body: { error: any } }): string[] {
  return (res.body.error?.details?.issues ?? []).map((i: { field: string }) => i.field)
}
