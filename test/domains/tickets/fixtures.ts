import { expect } from 'vitest'
import { createSession } from '../../../core/auth/sessions.js'
import type { ApiResponse, TestApp } from '../../helpers/app.js'
import { browser } from '../../helpers/session-browser.js'
import { expectData } from '../../helpers/envelope-assertions.js'

/** A person signed in to the test app's business, calling the API with their session cookie. */
export interface SignedIn {
  userId: string
  action<T = any>(domain: string, action: string, data?: unknown): Promise<ApiResponse<T>>
  query<T = any>(params: Record<string, string | number>): Promise<ApiResponse<T>>
}

/** Adds a team member straight to the database (as setup, not under test) and returns their id. */
export async function insertUser(app: TestApp, email: string, role: 'owner' | 'technician', name: string): Promise<string> {
  const r = await app.t.db.query<{ id: string }>('insert into users (tenant_id, email, name, role) values ($1, $2, $3, $4) returning id', [
    app.tenant.tenant_id,
    email,
    name,
    role,
  ])
  return r.rows[0].id
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

/** A customer created through the API. */
export async function newContact(app: TestApp, name: string): Promise<string> {
  return expectData(await app.action('contact', 'create', { display_name: name })).id
}

/** A service address of a contact, inserted as setup. */
export async function insertAddress(app: TestApp, contactId: string, line1 = '100 Main St'): Promise<string> {
  const r = await app.t.db.query<{ id: string }>(
    `insert into addresses (tenant_id, contact_id, line1, city, state, postal_code) values ($1, $2, $3, 'Huntsville', 'AL', '35801') returning id`,
    [app.tenant.tenant_id, contactId, line1],
  )
  return r.rows[0].id
}

/** A catalog service created through the API. */
export async function newService(app: TestApp, data: Record<string, unknown>): Promise<any> {
  return expectData(await app.action('service', 'create', data))
}

/** The audit actions recorded for one record, oldest first. */
export async function auditActions(app: TestApp, type: string, id: string): Promise<string[]> {
  const read = expectData(await app.query({ type, id, include: 'audit_trail' }))
  return read.audit_trail.map((a: any) => a.action)
}

/** How many rows a table holds for the test business (read directly, to prove nothing was half-written). */
export async function countRows(app: TestApp, table: string): Promise<number> {
  const r = await app.t.db.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = $1`, [app.tenant.tenant_id])
  return r.rows[0].n
}

/** Asserts a validation error that names the given fields. */
export function expectFields(res: ApiResponse, fields: string[]): void {
  expect({ status: res.status, code: res.body.error?.code }, JSON.stringify(res.body)).toEqual({ status: 400, code: 'VALIDATION_ERROR' })
  expect(res.body.error.details.issues.map((i: any) => i.field)).toEqual(expect.arrayContaining(fields))
}
