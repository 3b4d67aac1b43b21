import { withTenant } from '../../../core/db/tenant.js'
import type { Queryable } from '../../../core/db/types.js'
import { textSettingsOf } from '../../../core/domains/texts/settings.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import type { TestEngine } from '../../helpers/databases.js'
import { type FakeTwilio, startFakeTwilio } from '../../helpers/fake-twilio.js'
import { allowAgentWords, newContact } from '../../helpers/fixtures.js'

/** The business's texting number in the tests. */
export const BUSINESS_NUMBER = '+12565550100'

/** A business with texts on, Twilio's fake behind it, and its number set. */
export interface TextsWorld {
  app: TestApp
  twilio: FakeTwilio
  inBusiness<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /** A customer with this mobile number, consenting to visit texts unless told not to, hearing by the given channel. */
  customer(name: string, phone: string, opts?: { consent?: boolean; channel?: 'email' | 'text' | 'both'; email?: string }): Promise<string>
  /** Twilio posts an inbound text from a number to the business; the product's answer. */
  inbound(from: string, body: string, opts?: { forge?: boolean }): Promise<{ status: number; contentType: string; body: string }>
  close(): Promise<void>
}

/** Starts the world on this engine. */
export async function textsWorld(engine: TestEngine): Promise<TextsWorld> {
  const twilio = await startFakeTwilio()
  const app = await startTestApp(engine)
  Object.assign(textSettingsOf(app.services), {
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    baseUrl: twilio.url,
    publicBaseUrl: app.url,
  })
  await app.ownerAction('text', 'update_settings', { from_number: BUSINESS_NUMBER, daily_limit: 1000 })
  // The owner allowed the agent's words (the review of them is the registry's, tested there).
  await allowAgentWords(app)
  const inBusiness = <T>(fn: (tx: Queryable) => Promise<T>) =>
    withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, fn)
  return {
    app,
    twilio,
    inBusiness,
    async customer(name, phone, opts = {}) {
      const id = await newContact(app, {
        display_name: name,
        phones: [{ value: phone, label: 'mobile', primary: true }],
        ...(opts.email ? { email: opts.email } : {}),
      })
      if (opts.consent !== false) await app.ownerAction('text', 'record_consent', { contact_id: id, kind: 'service', how: 'phone_call' })
      if (opts.channel && opts.channel !== 'email') await app.ownerAction('text', 'set_channel', { contact_id: id, channel: opts.channel })
      return id
    },
    inbound: (from, body, opts = {}) => twilio.inbound(`${app.url}/api/webhooks/texts`, { from, to: BUSINESS_NUMBER, body }, opts),
    async close() {
      await app.close()
      await twilio.close()
    },
  }
}
