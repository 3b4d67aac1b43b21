import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../core/kernel/config.js'
import { describeInboundEmail, inboundAddressOf } from '../../../core/domains/inbound-email/availability.js'
import { inboundEmailSettingsFrom } from '../../../core/domains/inbound-email/settings.js'

/** What the start banner and the address read: the configuration, and inbound email's settings parsed from it. */
function configured(env: NodeJS.ProcessEnv) {
  const config = loadConfig({ PORT: '0', ...env })
  return { config, settings: inboundEmailSettingsFrom(config), integrations: { 'inbound-email': inboundEmailSettingsFrom(config) } }
}

describe('inbound email in the start banner', () => {
  it('says it is off and what to set, then where the addresses are and how bodies are read', () => {
    const off = configured({})
    expect(describeInboundEmail(off)).toBe(
      "Inbound email is off: set INBOUND_EMAIL_WEBHOOK_SECRET (the webhook's signing secret, whsec_...) and INBOUND_EMAIL_DOMAIN (the domain that receives the mail)",
    )
    expect(inboundAddressOf(off.settings, 'b1')).toBeNull()
    const half = configured({ INBOUND_EMAIL_DOMAIN: 'in.sparkle.test' })
    expect(describeInboundEmail(half)).toMatch(/^Inbound email is off: set INBOUND_EMAIL_WEBHOOK_SECRET \(/)
    const on = configured({ INBOUND_EMAIL_DOMAIN: '@In.Sparkle.test', INBOUND_EMAIL_WEBHOOK_SECRET: 'whsec_abc' })
    expect(inboundAddressOf(on.settings, 'b1')).toBe('b1@in.sparkle.test')
    expect(describeInboundEmail(on)).toContain('<business id>@in.sparkle.test')
    expect(describeInboundEmail(on)).toContain('no RESEND_API_KEY')
    expect(describeInboundEmail({ ...on, config: { ...on.config, resendApiKey: 're_x' } })).toContain(
      "bodies read from Resend's Receiving API",
    )
  })
})
