import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Browser, Page } from 'playwright-core'
import * as authorizationActions from '../../authorization-queue/actions.js'
import * as authorizationQueries from '../../authorization-queue/queries.js'
import * as contactActions from '../../core/domains/contacts/actions.js'
import * as contactQueries from '../../core/domains/contacts/queries.js'
import { createRegistry, defineAction } from '../../core/registry.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'

const risky = defineAction({ domain: 'contact', name: 'purge', description: 'Remove a contact for good.', access: { agent: 'requires_authorization', technician: 'none' },
  input: z.strictObject({ display_name: z.string() }),
  describeCall: async (_ctx, input) => `Delete customer ${input.display_name}`,
  async run(ctx, input) {
    const r = await ctx.db.query(`insert into contacts (tenant_id, display_name) values ($1, $2) returning id`, [ctx.tenantId, `purged ${input.display_name}`])
    return { id: r.rows[0].id }
  } })

describe.skipIf(!browserAvailable)('owner review page in Chromium', () => {
  let app: TestApp
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    app = await startTestApp('pglite', { registry: createRegistry([contactActions, contactQueries, authorizationActions, authorizationQueries, { risky }]) })
    browser = await launchBrowser()
    page = await browser.newPage()
    await page.goto(app.url + '/')
    await page.fill('input[name=email]', 'owner@sparkle.test')
    await page.click('button')
    await expect(page.textContent('body')).resolves.toContain('sign-in link is on its way')
    const link = app.email.sent.at(-1)!.text.match(/http\S+verify\?token=\S+/)![0]
    await page.goto(link)
    await page.click('button:has-text("Sign in")')
    await expect(page.textContent('body')).resolves.toContain('Signed in as')
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  const queue = async (name: string) => (await app.action('contact', 'purge', { display_name: name }, { reasoning: `duplicate of ${name}` })).body.data.request_id as string
  const statusOf = async (id: string) => (await app.query({ type: 'authorization_requests', id })).body.data

  it('Allow Once runs the call, in plain words with the reasoning shown', async () => {
    const id = await queue('Jane Smith')
    await page.goto(app.url + '/review')
    const card = page.locator('.card', { hasText: 'Delete customer Jane Smith' })
    await expect(card.textContent()).resolves.toContain('duplicate of Jane Smith')
    await card.locator('button[value=allow_once]').click()
    await expect(page.textContent('body')).resolves.toContain('Done: the call ran.')
    expect((await statusOf(id)).status).toBe('executed')
  })

  it('Allow Always runs it and the next call goes through directly; the owner can set it back', async () => {
    const id = await queue('Bob Jones')
    await page.goto(app.url + '/review')
    await page.locator('.card', { hasText: 'Bob Jones' }).locator('button[value=allow_always]').click()
    expect((await statusOf(id)).status).toBe('executed')
    const direct = await app.action('contact', 'purge', { display_name: 'Carl' }, { reasoning: 'again' })
    expect(direct.status).toBe(200)
    await page.goto(app.url + '/review/permissions')
    const row = page.locator('tr', { hasText: 'contact.purge' })
    await row.locator('select').selectOption('default')
    await row.locator('button').click()
    await expect(page.textContent('body')).resolves.toContain('contact.purge is now requires_authorization')
    expect((await app.action('contact', 'purge', { display_name: 'Dora' }, { reasoning: 'again' })).status).toBe(202)
  })

  it('Deny with a note: nothing runs and the agent reads the note', async () => {
    const id = await queue('Eve Adams')
    await page.goto(app.url + '/review')
    const card = page.locator('.card', { hasText: 'Eve Adams' })
    await card.locator('textarea[name=note]').fill('Keep her, she pays on time.')
    await card.locator('button[value=deny]').click()
    const s = await statusOf(id)
    expect(s.status).toBe('denied')
    expect(s.decision_note).toBe('Keep her, she pays on time.')
    await page.goto(app.url + '/review/history')
    await expect(page.textContent('body')).resolves.toContain('Keep her, she pays on time.')
  })

  it('works without JavaScript and refuses a decision without the CSRF token', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    await context.addCookies(await page.context().cookies())
    const noJs = await context.newPage()
    const id = await queue('Frank')
    await noJs.goto(app.url + '/review')
    await noJs.locator('.card', { hasText: 'Frank' }).locator('button[value=allow_once]').click()
    expect((await statusOf(id)).status).toBe('executed')
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
    const forged = await fetch(`${app.url}/review/${await queue('Gina')}`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=allow_once' })
    expect(forged.status).toBe(403)
    await context.close()
  })
})
