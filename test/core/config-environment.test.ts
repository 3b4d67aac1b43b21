import { describe, expect, it } from 'vitest'
import { loadConfig, relaySettings, startingLogLevel } from '../../core/kernel/config.js'

describe('settings once read elsewhere, now read by core/kernel/config.ts', () => {
  it('the first business, the demo switch, the public address and the hosts /mcp answers to', () => {
    const set = loadConfig({
      CRM_DEMO: '1',
      CRM_BUSINESS_NAME: 'Acme Windows',
      CRM_OWNER_EMAIL: 'pat@acme.test',
      CRM_OWNER_NAME: '  Pat Acme ',
      CRM_TIMEZONE: 'America/Denver',
      PUBLIC_BASE_URL: 'https://crm.acme.test/',
      MCP_ALLOWED_HOSTS: ' CRM.Internal , ,box.lan',
    })
    expect(set.demo).toBe(true)
    expect(set.firstBusiness).toStrictEqual({
      name: 'Acme Windows',
      ownerEmail: 'pat@acme.test',
      ownerName: 'Pat Acme',
      timezone: 'America/Denver',
    })
    expect(set.publicBaseUrlSet).toBe(true)
    expect(set.publicBaseUrl).toBe('https://crm.acme.test')
    expect(set.mcpAllowedHosts).toEqual(['crm.internal', 'box.lan'])
    const unset = loadConfig({ CRM_DEMO: 'yes', CRM_BUSINESS_NAME: '', CRM_OWNER_NAME: '' })
    expect(unset.demo).toBe(false)
    expect(unset.firstBusiness).toStrictEqual({ name: undefined, ownerEmail: undefined, ownerName: undefined, timezone: undefined })
    expect(unset.publicBaseUrlSet).toBe(false)
    expect(unset.mcpAllowedHosts).toEqual([])
  })

  it("refuses an owner's name of spaces or one longer than a team member's, naming CRM_OWNER_NAME", () => {
    expect(() => loadConfig({ CRM_OWNER_NAME: '   ' })).toThrow(
      "CRM_OWNER_NAME is only spaces: give the owner's name, such as Dana Reyes, or leave it unset",
    )
    expect(() => loadConfig({ CRM_OWNER_NAME: 'D'.repeat(201) })).toThrow('CRM_OWNER_NAME is 201 characters long; a name is at most 200')
    // The longest name the team page takes is taken here too, counted without the spaces around it.
    expect(loadConfig({ CRM_OWNER_NAME: ` ${'D'.repeat(200)} ` }).firstBusiness.ownerName).toBe('D'.repeat(200))
  })

  it('keeps a frozen copy of the environment it was read from, for the integration clients', () => {
    const env: NodeJS.ProcessEnv = { STRIPE_SECRET_KEY: 'sk_test_1' }
    const config = loadConfig(env)
    env.STRIPE_SECRET_KEY = 'changed later'
    expect(config.environment.STRIPE_SECRET_KEY).toBe('sk_test_1')
    expect(Object.isFrozen(config.environment)).toBe(true)
  })

  it("the relay's token and server, and the log level before a configuration loads", () => {
    expect(relaySettings({ CRM_AGENT_TOKEN: '  tok  ', CRM_SERVER_URL: 'http://10.0.0.2:3000' })).toEqual({
      agentToken: 'tok',
      serverUrl: 'http://10.0.0.2:3000',
    })
    expect(relaySettings({ CRM_AGENT_TOKEN: ' ' })).toEqual({ agentToken: undefined, serverUrl: undefined })
    expect(startingLogLevel({ LOG_LEVEL: 'warn' })).toBe('warn')
    expect(startingLogLevel({ LOG_LEVEL: 'loud' })).toBe('info')
    expect(startingLogLevel({})).toBe('info')
  })
})
