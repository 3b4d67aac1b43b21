import type { Queryable } from '../../db/types.js'
import { validationError } from '../../errors.js'

/**
 * Refuses a time zone the database does not know. Node's list and PostgreSQL's differ (US/Pacific-New is accepted by
 * one and unknown to the other), and a business's time zone is used in SQL too, so a name must pass both.
 */
export async function assertDatabaseTimeZone(tx: Queryable, timezone: string, field: string): Promise<void> {
  const r = await tx.query<{ known: boolean }>('select exists (select 1 from pg_timezone_names where name = $1) as known', [timezone])
  if (!r.rows[0].known) {
    throw validationError([
      { field, message: `${timezone} is not a time zone the database knows; use a current IANA name such as America/Los_Angeles` },
    ])
  }
}
