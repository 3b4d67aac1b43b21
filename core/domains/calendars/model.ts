import { z } from 'zod'
import type { Config } from '../../kernel/config.js'
import { timestamp } from '../../kernel/output-types.js'
import type { RecordKind } from '../../vocabulary/records.js'

/** The columns of a calendar feed anyone may see: never its secret nor the secret's hash. */
export const FEED_COLUMNS = 'id, scope, user_id, created_at, revoked_at, last_fetched_at'

/** Where calendar feeds live, for lockRecord and the audited writes of core/vocabulary/records.ts. */
export const FEED_TABLE: RecordKind = { table: 'calendar_feeds', columns: FEED_COLUMNS, entity: 'calendar_feed', noun: 'calendar feed' }

/** A calendar feed as anyone may see it (FEED_COLUMNS). */
export const FEED_RECORD = z.object({
  id: z.uuid(),
  scope: z.enum(['business', 'technician']),
  user_id: z.uuid().nullable(),
  created_at: timestamp,
  revoked_at: timestamp.nullable(),
  last_fetched_at: timestamp.nullable(),
})

/** The form of a feed's secret in its address: 32 random bytes, base64url. */
export const FEED_SECRET = /^[A-Za-z0-9_-]{43}$/

/** The two forms of a feed's address: https for any calendar app, webcal to open the phone's subscribe prompt in one tap. */
export function feedUrls(config: Pick<Config, 'publicBaseUrl'>, secret: string): { https_url: string; webcal_url: string } {
  const https = `${config.publicBaseUrl}/calendar/${secret}.ics`
  return { https_url: https, webcal_url: https.replace(/^https?:\/\//, 'webcal://') }
}
