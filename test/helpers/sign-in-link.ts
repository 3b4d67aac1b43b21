import { expect } from 'vitest'
import type { ApiResponse, TestApp } from './app.js'
import type { Browser } from './session-browser.js'

/** The hidden fields of the page's one form, and where it posts. */
export function signInFormOf(html: string): { action: string; fields: Record<string, string> } {
  const form = html.match(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/)
  expect(form, 'a form that posts').not.toBeNull()
  const fields: Record<string, string> = {}
  for (const m of form![2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = m[2].replace(/&amp;/g, '&')
  return { action: form![1], fields }
}

/** Posts a form the way a browser without JavaScript does, with the browser's cookie; keeps the cookie it gets back. */
export async function submitForm(app: TestApp, b: Browser, action: string, fields: Record<string, string>): Promise<ApiResponse> {
  const res = await fetch(app.url + action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(b.cookie ? { cookie: `crm_session=${b.cookie}` } : {}) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
  for (const c of res.headers.getSetCookie()) {
    const m = c.match(/^crm_session=([^;]*)/)
    if (m) b.cookie = m[1] ? decodeURIComponent(m[1]) : undefined
  }
  return { status: res.status, headers: res.headers, body: { raw: await res.text() } as any }
}

/** Opens a sign-in link and presses its "Sign in" button: the answer to the press. */
export async function followSignInLink(app: TestApp, b: Browser, token: string): Promise<ApiResponse> {
  const opened = await b.call('GET', `/auth/verify?token=${token}`)
  expect(opened.status).toBe(200)
  const { action, fields } = signInFormOf((opened.body as unknown as { raw: string }).raw)
  return submitForm(app, b, action, fields)
}
