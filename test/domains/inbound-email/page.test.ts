import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inboundEmailSettingsOf } from '../../../core/domains/inbound-email/settings.js'
import { engines } from '../../helpers/databases.js'
import { startPageApp, type PageApp } from '../../helpers/page-app.js'

describe.each(engines)("the owner's inbound email page (%s)", (engine) => {
  let pages: PageApp

  beforeAll(async () => {
    pages = await startPageApp(engine)
  })
  afterAll(async () => {
    await pages?.app.close()
  })

  it('says what to set while inbound email is off, then shows the business its own address', async () => {
    const settings = inboundEmailSettingsOf(pages.app.services)
    const off = await pages.owner.get('/settings/inbound-email')
    expect(off.status).toBe(200)
    expect(off.html).toContain('Inbound email is off on this server')
    expect(off.html).toContain('INBOUND_EMAIL_WEBHOOK_SECRET')
    expect(off.html).toContain('INBOUND_EMAIL_DOMAIN')

    Object.assign(settings, { webhookSecret: `whsec_${randomBytes(24).toString('base64')}`, domain: 'in.sparkle.test' })
    const on = await pages.owner.get('/settings/inbound-email')
    expect(on.html).toContain(`<strong>${pages.app.tenant.tenant_id}@in.sparkle.test</strong>`)
    expect(on.html).not.toContain('Inbound email is off')
    expect((await pages.owner.get('/settings')).html).toContain('href="/settings/inbound-email"')
  })

  it('is not shown to a technician', async () => {
    const tech = await startPageApp(engine, {}, { technician: 'signed-in' })
    try {
      const page = await tech.tech.get('/settings/inbound-email')
      expect(page.status).toBe(403)
    } finally {
      await tech.app.close()
    }
  })
})
