import { withTenant } from '../../core/db/tenant.js'
import type { Database } from '../../core/db/types.js'
import type { TextSettings } from '../../core/domains/texts/settings.js'
import { type FakeTwilio, startFakeTwilio } from './fake-twilio.js'

/** Texts on for a test's services: Twilio's fake, the settings that point at it, and a texting number per business. */
export interface TextsFixture {
  twilio: FakeTwilio
  integrations: { texts: TextSettings }
  /** Gives the business a texting number of its own (unique within this process). */
  connect(db: Database, tenantId: string): Promise<string>
  close(): Promise<void>
}

/** Numbers given so far in this process: each business's must be its own. */
let given = 0

/** Starts Twilio's fake and the settings of texts on, pointed at it. */
export async function textsFixture(): Promise<TextsFixture> {
  const twilio = await startFakeTwilio()
  return {
    twilio,
    integrations: {
      texts: { accountSid: twilio.accountSid, authToken: twilio.authToken, baseUrl: twilio.url, publicBaseUrl: 'http://127.0.0.1:9' },
    },
    async connect(db, tenantId) {
      const number = `+1256777${String(1000 + (given++ % 9000))}`
      await withTenant(db, { tenantId, actorType: 'system' }, (tx) =>
        tx.query(
          `insert into text_settings (tenant_id, from_number) values ($1, $2)
           on conflict (tenant_id) do update set from_number = excluded.from_number`,
          [tenantId, number],
        ),
      )
      return number
    },
    close: () => twilio.close(),
  }
}
