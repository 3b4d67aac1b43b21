import { expect } from 'vitest'
import { createSession } from '../../../core/auth/sessions.js'
import { browser } from '../../helpers/session-browser.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import type { ApiResponse, TestApp } from '../../helpers/app.js'

/** A person of the test business calling the API with a session cookie and its CSRF token. */
export interface Person {
  userId: string
  action<T = any>(domain: string, action: string, data?: unknown): Promise<ApiResponse<T>>
}

/** Signs in a new person of the given role (added directly, as setup). */
export async function person(app: TestApp, email: string, role: 'owner' | 'technician' = 'owner'): Promise<Person> {
  const r = await app.t.db.query<{ id: string }>('insert into users (tenant_id, email, name, role) values ($1, $2, $3, $4) returning id', [
    app.tenant.tenant_id,
    email,
    email.split('@')[0],
    role,
  ])
  const userId = r.rows[0].id
  const b = browser(app, await createSession(app.t.db, app.tenant.tenant_id, userId))
  const csrf = expectData(await b.call('GET', '/auth/session')).csrf_token as string
  return { userId, action: (domain, action, data) => b.call('POST', '/api/actions', { domain, action, data }, { 'x-csrf-token': csrf }) }
}

/** Creates a contact through the API and returns it. */
export async function contact(app: TestApp, data: Record<string, unknown>): Promise<any> {
  return expectData(await app.action('contact', 'create', data))
}

/** The audit entries of one record, oldest first, read straight from the table. */
export async function auditOf(app: TestApp, entityType: string, entityId: string): Promise<any[]> {
  const r = await app.t.db.query(
    `select action, changes, actor_type, actor_id, reasoning, request_id from audit_log
    where tenant_id = $1 and entity_type = $2 and entity_id = $3 order by id`,
    [app.tenant.tenant_id, entityType, entityId],
  )
  return r.rows
}

/** How many rows a table holds for the test business. */
export async function countRows(app: TestApp, table: string, where = 'true', args: unknown[] = []): Promise<number> {
  const r = await app.t.db.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = $1 and (${where})`, [
    app.tenant.tenant_id,
    ...args,
  ])
  return r.rows[0].n
}

/** The fields named by a validation error. */
export function fieldsOf(res: ApiResponse): string[] {
  expect(res.body.error?.code, JSON.stringify(res.body)).toBe('VALIDATION_ERROR')
  return (res.body.error.details?.issues ?? []).map((i: any) => i.field)
}

/** A service of the catalog, inserted as setup. */
export async function insertService(app: TestApp, name: string): Promise<string> {
  const r = await app.t.db.query<{ id: string }>(
    `insert into services (tenant_id, name, pricing, price_cents) values ($1, $2, 'fixed', 15000) returning id`,
    [app.tenant.tenant_id, name],
  )
  return r.rows[0].id
}

/** A ticket of a contact, inserted as setup: with a line item of the service when given, then completed when asked. */
export async function insertTicket(
  app: TestApp,
  contactId: string,
  opts: { start: string; completed?: boolean; serviceId?: string; addressId?: string },
): Promise<string> {
  const tenant = app.tenant.tenant_id
  const n = await app.t.db.query<{ n: number }>('select coalesce(max(number), 0)::int + 1 as n from tickets where tenant_id = $1', [tenant])
  const r = await app.t.db.query<{ id: string }>(
    `insert into tickets (tenant_id, number, contact_id, address_id, scheduled_start, scheduled_end)
     values ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz + interval '2 hours') returning id`,
    [tenant, n.rows[0].n, contactId, opts.addressId ?? null, opts.start],
  )
  const id = r.rows[0].id
  if (opts.serviceId) {
    await app.t.db.query(
      `insert into ticket_line_items (tenant_id, ticket_id, service_id, description, unit_price_cents)
      values ($1, $2, $3, 'Service', 15000)`,
      [tenant, id, opts.serviceId],
    )
  }
  if (opts.completed) {
    await app.t.db.query(`update tickets set status = 'completed', closed_at = scheduled_end where tenant_id = $1 and id = $2`, [
      tenant,
      id,
    ])
  }
  return id
}
