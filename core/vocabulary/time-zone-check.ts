import { setLocal } from '../db/tenant.js'
import type { Queryable } from '../db/types.js'
import { validationError } from '../kernel/errors.js'

/**
 * Refuses a time zone the database does not know. Node's list and PostgreSQL's differ (US/Pacific-New is accepted by
 * one and unknown to the other), and a business's time zone is used in SQL too, so a name must pass both.
 */
export async function assertDatabaseTimeZone(tx: Queryable, timezone: string, field: string): Promise<void> {
  // The zone is tried as the transaction's own and then put back: that reads the one zone named, where pg_timezone_names
  // reads every zone the database has at each call (about 170 ms). The setting takes zone names, never abbreviations (PST).
  await tx.query('savepoint time_zone_check')
  const known = await setLocal(tx, { timezone }).then(
    () => true,
    (err: { code?: string }) => {
      if (err.code !== '22023') throw err
      return false
    },
  )
  await tx.query('rollback to savepoint time_zone_check')
  if (!known) {
    throw validationError([
      { field, message: `${timezone} is not a time zone the database knows; use a current IANA name such as America/Los_Angeles` },
    ])
  }
}
