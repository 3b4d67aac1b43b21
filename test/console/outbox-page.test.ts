import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outboxEmailClient } from '../../core/clients/email.js'
import { addUser, browser, signIn, type Browser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'

describe.each(engines)("owner's outbox page on %s", (engine) => {
  let app: TestApp
  let owner: Browser
  let tech: Browser
  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await signIn(app, 'owner@sparkle.test')
    await addUser(app, 'tech@sparkle.test', 'technician')
    tech = await signIn(app, 'tech@sparkle.test')
    const outbox = outboxEmailClient(app.t.db, app.services.config)
    await outbox.send({
      to: 'jane@example.com',
      subject: 'Reminder <b>Tuesday</b>',
      text: 'See you at 9:00 & bring <nothing>',
      tenantId: app.tenant.tenant_id,
      idempotencyKey: 'k1',
    })
    const other = await app.createTenant('Other Cleaners')
    await outbox.send({ to: 'secret@example.com', subject: 'Other business mail', text: 'not yours', tenantId: other.tenant_id })
  })
  afterAll(async () => {
    await app?.close()
  })

  it("shows the business's kept emails, escaped, and says email is off", async () => {
    app.services.email = outboxEmailClient(app.t.db, app.services.config)
    const res = await owner.call('GET', '/messages/outbox')
    expect(res.status).toBe(200)
    const html = (res.body as unknown as { raw: string }).raw
    expect(html).toContain('Email is off: nothing below reached your customers')
    expect(html).toContain('Reminder &lt;b&gt;Tuesday&lt;/b&gt;')
    expect(html).toContain('To jane@example.com')
    expect(html).toContain('See you at 9:00 &amp; bring &lt;nothing&gt;')
    expect(html).not.toContain('<b>Tuesday')
    expect(html).not.toContain('Other business mail')
    expect(html).not.toContain('secret@example.com')
  })

  it('is for the owner only', async () => {
    expect((await browser(app).call('GET', '/messages/outbox')).status).toBe(303)
    expect((await tech.call('GET', '/messages/outbox')).status).toBe(403)
  })
})
