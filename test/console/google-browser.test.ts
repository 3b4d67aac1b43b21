import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { withTenant } from '../../core/db/tenant.js'
import { syncGoogleAccount } from '../../core/domains/google/sync/sync-account.js'
import { performAction } from '../../core/kernel/operations.js'
import { addUser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { type GoogleFixture, googleFixture } from '../helpers/google.js'
import { expectAccessible, expectFitsPhone, openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { behaviourEngine } from '../helpers/databases.js'

// A long, unbroken error in Google's own words, and a long address: the pages must still fit the phone.
const LONG_ERROR = `calendar: Requested entity was not found: calendarId=${'c'.repeat(90)}@group.calendar.google.com`
const LONG_EMAIL = `a.very.long.name.of.a.technician.${'x'.repeat(40)}@gmail.test`

describe.skipIf(!browserAvailable)('the Google pages in Chromium at 390 px', () => {
  let app: TestApp
  let google: GoogleFixture
  let browser: Browser
  let techId: string
  let ownerEmail: string

  beforeAll(async () => {
    google = await googleFixture()
    app = await startTestApp(behaviourEngine, { ...google.services })
    techId = await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await google?.close()
  })

  it("the owner's page and a technician's, before and after connecting, with a failed sync and a refused grant, fit the phone and pass axe", async () => {
    const owner = await phoneTab(browser, app)
    const tech = await phoneTab(browser, app, { userId: techId })
    try {
      await openOnPhone(owner, app, '/settings/google')
      await openOnPhone(tech, app, '/settings/google')
      ownerEmail = await google.connect(app.t.db, app.tenant.tenant_id, app.tenant.owner_user_id, ['calendar', 'contacts', 'gmail'])
      await google.connect(app.t.db, app.tenant.tenant_id, techId, ['calendar'], LONG_EMAIL)
      await withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, async (tx) => {
        await tx.query(`update google_connections set last_sync_at = now(), last_sync_error = $1 where user_id = $2`, [
          LONG_ERROR,
          app.tenant.owner_user_id,
        ])
        await tx.query(
          `update google_connections set status = 'needs_reconnect', access_token = null, refresh_token = null, status_reason = $1
           where user_id = $2`,
          [`Google refused to renew access to ${LONG_EMAIL} (Token has been expired or revoked.): connect again`, techId],
        )
      })
      const page = await openOnPhone(owner, app, '/settings/google')
      expect(await page.textContent('body')).toContain('The last sync failed')
      const theirs = await openOnPhone(tech, app, '/settings/google')
      expect(await theirs.textContent('body')).toContain('connect again')
      expect(owner.problems).toEqual([])
      expect(tech.problems).toEqual([])
    } finally {
      await owner.close()
      await tech.close()
    }
  }, 180_000)

  it("the owner's Contacts and Gmail sections with what they read, and the import's preview, fit the phone and pass axe", async () => {
    const owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user' as const, id: app.tenant.owner_user_id, role: 'owner' as const } }
    const people = google.fake.people
    const gone = people.add(ownerEmail, { names: [{ displayName: `Bartholomew ${'Longname'.repeat(8)}` }] })
    people.add(ownerEmail, { names: [{ givenName: 'Maria', familyName: 'Lopez' }], emailAddresses: [{ value: 'not an email' }] })
    people.add(ownerEmail, { phoneNumbers: [{ value: '(256) 555-0177' }] })
    google.fake.gmail.addLabel(ownerEmail, `Customers/${'Windows'.repeat(10)}`)
    await performAction(
      app.services,
      owner,
      { domain: 'google', action: 'import_contacts', data: { dry_run: false } },
      { requestId: randomUUID() },
    )
    people.remove(ownerEmail, gone)
    await syncGoogleAccount(app.services, app.tenant.tenant_id, app.tenant.owner_user_id, randomUUID())
    const tab = await phoneTab(browser, app)
    try {
      const page = await openOnPhone(tab, app, '/settings/google')
      const text = await page.textContent('body')
      expect(text).toContain('Deleted in Google, kept here')
      expect(text).toContain('Labels read')
      await page.getByRole('button', { name: 'Preview the import again' }).click()
      await page.waitForURL(`${app.url}/settings/google/contacts/import`)
      expect(await page.textContent('body')).toContain('Nothing has been written yet.')
      await expectFitsPhone(page, 'the contacts preview')
      await expectAccessible(page, 'the contacts preview')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)

  it('Connect works without JavaScript: the ticked boxes go to Google and the person comes back connected', async () => {
    const tab = await phoneTab(browser, app, { javaScript: false })
    try {
      await tab.page.goto(`${app.url}/settings/google`)
      await tab.page.getByRole('checkbox', { name: /Contacts/ }).uncheck()
      const leaving = tab.page.waitForRequest((r) => r.url().startsWith(`${google.fake.url}/o/oauth2/v2/auth`))
      await tab.page.getByRole('button', { name: 'Connect the ticked features' }).click()
      const asked = new URL((await leaving).url())
      expect(asked.searchParams.get('scope')).not.toContain('contacts')
      // The fake consents at once for the account it is hinted, and sends the browser back to the callback.
      await tab.page.waitForURL(`${app.url}/settings/google?done=connected`)
      expect(await tab.page.textContent('body')).toContain('Google is connected.')
    } finally {
      await tab.close()
    }
  }, 60_000)
})
