import { expect } from 'vitest'
import { responseOf, type ApiResponse, type TestApp } from './app.js'
import { followSignInLink } from './sign-in-link.js'

/** A client that holds cookies the way a browser does and sends no bearer token. */
export interface Browser {
  cookie: string | undefined
  call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>
}

/** A browser against the test app, optionally starting with a session cookie. */
export function browser(app: TestApp, cookie?: string): Browser {
  const b: Browser = {
    cookie,
    async call(method, path, body, headers = {}) {
      const res = await fetch(app.url + path, {
        method,
        headers: {
          ...(b.cookie ? { cookie: `crm_session=${b.cookie}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      })
      for (const c of res.headers.getSetCookie()) {
        const m = c.match(/^crm_session=([^;]*)/)
        if (m) b.cookie = m[1] ? decodeURIComponent(m[1]) : undefined
      }
      return responseOf(res)
    },
  }
  return b
}

/** Adds a person to the test app's business (links are rate limited per address, so tests use several people). */
export async function addUser(app: TestApp, email: string, role: 'owner' | 'technician' = 'owner', name = ''): Promise<string> {
  const r = await app.t.admin.query<{ id: string }>(
    `insert into users (tenant_id, email, name, role) values ($1, $2, $3, $4) returning id`,
    [app.tenant.tenant_id, email, name, role],
  )
  return r.rows[0].id
}

/** The token inside the last sign-in link emailed to this address. */
export function lastLinkTokenFor(app: TestApp, email: string): string {
  const mail = app.email.sent.filter((m) => m.to.toLowerCase() === email.toLowerCase()).at(-1)
  expect(mail, `an email to ${email}`).toBeDefined()
  const m = mail!.text.match(/\/auth\/verify\?token=([A-Za-z0-9_-]+)/)
  expect(m, 'a sign-in link in the email').not.toBeNull()
  return m![1]
}

/** Asks for a link by email, opens it and presses Sign in: a browser holding a live session. */
export async function signIn(app: TestApp, email: string): Promise<Browser> {
  const b = browser(app)
  const asked = await b.call('POST', '/auth/magic-link', { email })
  expect(asked.status).toBe(200)
  const opened = await followSignInLink(app, b, lastLinkTokenFor(app, email))
  expect(opened.status).toBe(303)
  expect(b.cookie).toBeTruthy()
  return b
}
