import { expect } from 'vitest'
import { createSession } from '../../core/auth/sessions.js'
import { withTenant } from '../../core/db/tenant.js'
import type { Queryable } from '../../core/db/types.js'
import type { ApiResponse, TestApp } from './app.js'
import { expectData } from './envelope-assertions.js'
import { addUser, browser } from './session-browser.js'

// People of the test business

/** A person signed in to the test app's business, calling the API with their session cookie. */
export interface SignedIn {
  userId: string
  action<T = any>(domain: string, action: string, data?: unknown): Promise<ApiResponse<T>>
  query<T = any>(params: Record<string, string | number>): Promise<ApiResponse<T>>
}

/** A session for a team member, with its CSRF token, as a browser would hold it. */
export async function signedIn(app: TestApp, userId: string): Promise<SignedIn> {
  const b = browser(app, await createSession(app.t.db, app.tenant.tenant_id, userId))
  const csrf = expectData(await b.call('GET', '/auth/session')).csrf_token as string
  return {
    userId,
    action: (domain, action, data) => b.call('POST', '/api/actions', { domain, action, data }, { 'x-csrf-token': csrf }),
    query: (params) =>
      b.call('GET', `/api/data?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]))}`),
  }
}

/** Signs in a new person of the given role, added directly as setup and named after their email address. */
export async function person(app: TestApp, email: string, role: 'owner' | 'technician' = 'owner'): Promise<SignedIn> {
  return signedIn(app, await addUser(app, email, role, email.split('@')[0]))
}

// Records made through the API

/**
 * The owner lets the agent make these calls without asking (what Allow Always does), for tests of what the actions do
 * rather than of the owner's queue: words customers read then go out as written, unless they point customers at
 * another's phone, address, link or account, talk about paying, or put a digit in a name.
 */
export async function allowAlways(app: TestApp, ...actions: string[]): Promise<void> {
  for (const action of actions) await app.ownerAction('permission', 'set', { action, permission: 'unrestricted' })
}

/** allowAlways for every action whose words customers read and the owner reviews (templates, emails, notes). */
export async function allowAgentWords(app: TestApp): Promise<void> {
  const reviewed = [...app.services.registry.actions.entries()].filter(([, def]) => def.access.customerText?.reviewed?.length)
  await allowAlways(app, ...reviewed.map(([key]) => key))
}

/** Runs an action as the test business's agent and returns its data; anything but success fails the test. */
export async function made(app: TestApp, domain: string, action: string, data: Record<string, unknown>, reasoning?: string): Promise<any> {
  return expectData(await app.action(domain, action, data, { reasoning }))
}

/** A contact made through the API by the agent: the whole record it answers with. */
export async function newContactRecord(app: TestApp, data: Record<string, unknown>): Promise<any> {
  return made(app, 'contact', 'create', data)
}

/**
 * A number as letters ("Customer Bd" for 29), for names of records an agent makes in tests: an agent's name with a digit
 * in it waits for the owner, as a name customers read should.
 */
export function letters(n: number): string {
  let out = ''
  let rest = Math.abs(Math.trunc(n))
  do {
    out = String.fromCharCode(97 + (rest % 26)) + out
    rest = Math.floor(rest / 26)
  } while (rest > 0)
  return out.charAt(0).toUpperCase() + out.slice(1)
}

/** A contact made through the API: its id. */
export async function newContact(app: TestApp, data: Record<string, unknown>): Promise<string> {
  return (await newContactRecord(app, data)).id
}

/** A service address of a contact, added through the API (state AL unless given). */
export async function address(
  app: TestApp,
  contactId: string,
  a: { line1: string; city: string; state?: string; postal_code: string },
): Promise<string> {
  return (await made(app, 'address', 'add', { contact_id: contactId, state: 'AL', ...a })).id
}

/** A catalog service created through the API by the owner (setup): the whole record it answers with. */
export async function newService(app: TestApp, data: Record<string, unknown>): Promise<any> {
  return app.ownerAction('service', 'create', data)
}

/** A catalog service created through the API, fixed at $10 unless given: its id. */
export async function service(
  app: TestApp,
  s: { name: string; pricing?: string; price_cents?: number | null; unit_name?: string; taxable?: boolean },
): Promise<string> {
  return (await newService(app, { pricing: 'fixed', price_cents: 1000, ...s })).id
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

// Records inserted straight into the database, as setup

/** A service address of a contact, inserted as setup. */
export async function insertAddress(app: TestApp, contactId: string, line1 = '100 Main St'): Promise<string> {
  const r = await app.t.admin.query<{ id: string }>(
    `insert into addresses (tenant_id, contact_id, line1, city, state, postal_code) values ($1, $2, $3, 'Huntsville', 'AL', '35801') returning id`,
    [app.tenant.tenant_id, contactId, line1],
  )
  return r.rows[0].id
}

/** A service of the catalog, inserted as setup. */
export async function insertService(app: TestApp, name: string): Promise<string> {
  const r = await app.t.admin.query<{ id: string }>(
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
  const n = await app.t.admin.query<{ n: number }>('select coalesce(max(number), 0)::int + 1 as n from tickets where tenant_id = $1', [
    tenant,
  ])
  const r = await app.t.admin.query<{ id: string }>(
    `insert into tickets (tenant_id, number, contact_id, address_id, scheduled_start, scheduled_end)
     values ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz + interval '2 hours') returning id`,
    [tenant, n.rows[0].n, contactId, opts.addressId ?? null, opts.start],
  )
  const id = r.rows[0].id
  if (opts.serviceId) {
    await app.t.admin.query(
      `insert into ticket_line_items (tenant_id, ticket_id, service_id, description, unit_price_cents)
      values ($1, $2, $3, 'Service', 15000)`,
      [tenant, id, opts.serviceId],
    )
  }
  if (opts.completed) {
    await app.t.admin.query(`update tickets set status = 'completed', closed_at = scheduled_end where tenant_id = $1 and id = $2`, [
      tenant,
      id,
    ])
  }
  return id
}

// The business's settings

/** How the test business's customers pay when no Stripe is set up: without it invoices are not emailed. */
export const PAYMENT_INSTRUCTIONS = 'Checks payable to Sparkle Windows, 12 Main St, Huntsville AL'

/** Changes the business's settings directly (tax rate, invoice prefix, payment terms, payment instructions). */
export async function settings(
  app: TestApp,
  s: {
    default_tax_rate_bp?: number
    invoice_prefix?: string
    invoice_terms_days?: number
    payment_instructions?: string
    reply_to_email?: string
  },
): Promise<void> {
  for (const [column, value] of Object.entries(s)) {
    await app.t.admin.query(`update tenants set ${column} = $1 where id = $2`, [value, app.tenant.tenant_id])
  }
}

// Reading what was stored

/** Runs SQL as the app role inside the test business, the way requests do. */
export function asTenant<T>(app: TestApp, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, fn)
}

/** How many rows a table holds for the test business, read directly by tenant_id (to prove nothing was half-written). */
export async function countRows(app: TestApp, table: string, where = 'true', args: unknown[] = []): Promise<number> {
  const r = await app.t.admin.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = $1 and (${where})`, [
    app.tenant.tenant_id,
    ...args,
  ])
  return r.rows[0].n
}

/** How many rows the planner's statistics give a table, all businesses' (-1 until it is first analyzed). */
export async function plannedRows(app: TestApp, table: string): Promise<number> {
  const r = await app.t.admin.query<{ n: number }>('select reltuples::int as n from pg_class where oid = $1::regclass', [table])
  return r.rows[0].n
}

/** How many rows of a table the test business sees as the app role (row-level security picks its rows). */
export async function countAsTenant(app: TestApp, table: string): Promise<number> {
  return asTenant(app, async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0].n)
}

/** The audit actions recorded for one record, oldest first, read from audit_log as the app role. */
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

/** The audit actions of one record as the API's audit_trail shows them, oldest first. */
export async function auditTrailActions(app: TestApp, type: string, id: string): Promise<string[]> {
  const read = expectData(await app.query({ type, id, include: 'audit_trail' }))
  return read.audit_trail.map((a: any) => a.action)
}

/** The audit entries of one record, oldest first, read straight from the table. */
export async function auditEntries(app: TestApp, entityType: string, entityId: string): Promise<any[]> {
  const r = await app.t.admin.query(
    `select action, changes, actor_type, actor_id, reasoning, request_id from audit_log
    where tenant_id = $1 and entity_type = $2 and entity_id = $3 order by id`,
    [app.tenant.tenant_id, entityType, entityId],
  )
  return r.rows
}

// Validation errors

/** Asserts a validation error that names the given fields. */
export function expectFields(res: ApiResponse, fields: string[]): void {
  expect({ status: res.status, code: res.body.error?.code }, JSON.stringify(res.body)).toEqual({ status: 400, code: 'VALIDATION_ERROR' })
  expect(res.body.error.details.issues.map((i: any) => i.field)).toEqual(expect.arrayContaining(fields))
}

/** The fields named by an error, if any (none when the answer names none). */
export function fieldsOf(res: { body: { error: any } }): string[] {
  return (res.body.error?.details?.issues ?? []).map((i: { field: string }) => i.field)
}

/** Asserts a validation error and returns the fields it names. */
export function validationFieldsOf(res: ApiResponse): string[] {
  expect(res.body.error?.code, JSON.stringify(res.body)).toBe('VALIDATION_ERROR')
  return (res.body.error.details?.issues ?? []).map((i: any) => i.field)
}
