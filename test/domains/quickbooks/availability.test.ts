import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { quickbooksClientFromEnv } from '../../../core/domains/quickbooks/client/quickbooks.js'
import { describeQuickBooks } from '../../../core/domains/quickbooks/availability.js'
import { createSecretBox } from '../../../core/kernel/secret-box.js'
import { startTestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'

const KEYS = { QUICKBOOKS_CLIENT_ID: 'ABclient', QUICKBOOKS_CLIENT_SECRET: 'secret' }

describe("the start banner's QuickBooks line", () => {
  const secrets = createSecretBox(randomBytes(32))

  it('says QuickBooks is off without the Intuit app keys, naming them', () => {
    expect(describeQuickBooks({ integrations: { quickbooks: null }, secrets })).toContain(
      'set QUICKBOOKS_CLIENT_ID and QUICKBOOKS_CLIENT_SECRET',
    )
  })

  it('says QuickBooks is off without CRM_ENCRYPTION_KEY, and how to make one', () => {
    const line = describeQuickBooks({ integrations: { quickbooks: quickbooksClientFromEnv(KEYS) }, secrets: null })
    expect(line).toContain('QuickBooks is off: set CRM_ENCRYPTION_KEY')
    expect(line).toContain('openssl rand -base64 32')
  })

  it('says where QuickBooks is and whether webhooks are verified once it is on', () => {
    const on = describeQuickBooks({ integrations: { quickbooks: quickbooksClientFromEnv(KEYS) }, secrets })
    expect(on).toContain('QuickBooks Online (API at https://quickbooks.api.intuit.com')
    expect(on).toContain('/settings/quickbooks')
    expect(on).toContain('webhooks off (no QUICKBOOKS_WEBHOOK_VERIFIER)')
    const hooked = describeQuickBooks({
      integrations: { quickbooks: quickbooksClientFromEnv({ ...KEYS, QUICKBOOKS_WEBHOOK_VERIFIER: 'v' }) },
      secrets,
    })
    expect(hooked).toContain('webhooks verified at /api/webhooks/quickbooks')
  })
})

describe.each(engines)('quickbooks_sync on a server where QuickBooks is off (%s)', (engine) => {
  it('answers that it is off and what to set, never an empty list', async () => {
    const app = await startTestApp(engine)
    try {
      const sync = await app.query({ type: 'quickbooks_sync' })
      expect(sync.status).toBe(503)
      expect(sync.body.error).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/^QuickBooks is off: set QUICKBOOKS_CLIENT_ID/),
      })
    } finally {
      await app.close()
    }
  })
})
