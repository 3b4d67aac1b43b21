import { createSession } from '../../core/auth/sessions.js'
import type { Database } from '../../core/db/types.js'

/** A person of the business (owner or technician) signed in to the API with a session cookie, as their pages are. */
export interface PersonApi {
  /** POST /api/actions; returns the data, or throws with the envelope's error. */
  action(domain: string, action: string, data: Record<string, unknown>): Promise<any>
  /** GET /api/data; returns the data, or throws with the envelope's error. */
  query(params: Record<string, string | number>): Promise<any>
}

/** Signs a user in (a session like the one a sign-in link opens) and calls the API as them, CSRF token included. */
export async function signedInPerson(baseUrl: string, db: Database, tenantId: string, userId: string): Promise<PersonApi> {
  const cookie = `crm_session=${await createSession(db, tenantId, userId)}`
  const session = await envelope(await fetch(`${baseUrl}/auth/session`, { headers: { cookie } }), 'GET /auth/session')
  const headers = { cookie, 'x-csrf-token': String(session.csrf_token), 'content-type': 'application/json' }
  return {
    async action(domain, action, data) {
      const res = await fetch(`${baseUrl}/api/actions`, { method: 'POST', headers, body: JSON.stringify({ domain, action, data }) })
      return envelope(res, `${domain}.${action}`)
    },
    async query(params) {
      const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]))
      return envelope(await fetch(`${baseUrl}/api/data?${search}`, { headers }), `GET /api/data ${search}`)
    },
  }
}

async function envelope(res: Response, what: string): Promise<any> {
  const body = (await res.json()) as { success: boolean; data: unknown; error: unknown }
  if (!body.success) throw new Error(`${what} failed (${res.status}): ${JSON.stringify(body.error)}`)
  return body.data
}
