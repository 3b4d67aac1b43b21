import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pkceChallenge } from '../../core/auth/oauth/tokens.js'
import { createSession } from '../../core/auth/sessions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { behaviourEngine } from '../helpers/databases.js'

const REDIRECT = 'http://127.0.0.1:1/callback'

describe.skipIf(!browserAvailable)('the OAuth consent page in Chromium', () => {
  let app: TestApp
  let browser: Browser
  beforeAll(async () => {
    app = await startTestApp(behaviourEngine)
    // Allow redirects to the app's callback, which a route answers: only the whole browser sends a redirect's target to routes.
    browser = await launchBrowser('browser')
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('fits a 390 px phone without JavaScript, and Allow reaches the app despite the form-action policy', async () => {
    const registered = (await (
      await fetch(`${app.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'Cursor', redirect_uris: [REDIRECT] }),
      })
    ).json()) as { client_id: string }
    const cookie = await createSession(app.t.db, app.tenant.tenant_id, app.tenant.owner_user_id)
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } })
    try {
      await context.addCookies([{ name: 'crm_session', value: cookie, url: app.url }])
      // The app's callback is not running: answer it here, and note what arrived.
      const arrived: string[] = []
      await context.route('http://127.0.0.1:1/**', (route) => {
        arrived.push(route.request().url())
        return route.fulfill({ status: 200, contentType: 'text/plain', body: 'connected' })
      })
      const violations: string[] = []
      const page = await context.newPage()
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
      })
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: registered.client_id,
        redirect_uri: REDIRECT,
        code_challenge: pkceChallenge('v'.repeat(43)),
        code_challenge_method: 'S256',
        state: 'phone',
        resource: `${app.url}/mcp`,
      })
      await page.goto(`${app.url}/oauth/authorize?${query}`)
      expect(await page.locator('h1').textContent()).toBe('Connect Cursor?')
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
      const allow = page.getByRole('button', { name: 'Allow' })
      const box = await allow.boundingBox()
      expect(box!.x + box!.width).toBeLessThanOrEqual(390)
      await allow.click()
      await page.waitForURL(/127\.0\.0\.1:1\/callback/)
      expect(violations).toEqual([])
      const back = new URL(arrived[0])
      expect(back.searchParams.get('state')).toBe('phone')
      expect(back.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    } finally {
      await context.close()
    }
  })
})
