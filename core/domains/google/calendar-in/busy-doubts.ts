import type { Queryable } from '../../../db/types.js'

/**
 * Why a person's busy time from Google is not known now: their connection needs reconnecting (Google refused its tokens),
 * so busy time added to their calendar since it was last read is missing; by user id, for those people alone.
 */
export async function googleBusyDoubts(tx: Queryable, userIds: readonly string[]): Promise<Map<string, string>> {
  const r = await tx.query<{ user_id: string; status_reason: string | null; last_read_at: Date | null }>(
    `select c.user_id, c.status_reason, max(r.last_read_at) as last_read_at
       from google_connections c left join google_calendar_reads r on r.user_id = c.user_id
      where c.user_id = any($1::uuid[]) and c.status = 'needs_reconnect'
      group by c.user_id, c.status_reason`,
    [[...userIds]],
  )
  return new Map(
    r.rows.map((row) => {
      const why = row.status_reason ? ` (${row.status_reason})` : ''
      const since = row.last_read_at ? ` since ${new Date(row.last_read_at).toISOString().slice(0, 10)}` : ''
      return [
        row.user_id,
        `their Google calendar needs reconnecting${why}: busy time added there${since} is not known, so a free time may not be free`,
      ]
    }),
  )
}
