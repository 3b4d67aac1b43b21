import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import type { CursorType } from '../../pagination.js'
import { timestamp } from '../../output-types.js'
import { upcomingVisitSql } from '../../upcoming-visits.js'

/** Latest completed visit of the contact `c`, or 1970 for one never visited, so never-visited contacts sort last. */
const LAST_VISIT = `coalesce((select max(t.scheduled_start) from tickets t where t.contact_id = c.id and t.status = 'completed'),
  '1970-01-01T00:00:00Z'::timestamptz)`

/** How the contacts list sorts: the SQL sort key, its cursor type and direction. */
export const CONTACT_ORDERS: Record<
  'created' | 'name' | 'last_visit',
  { key: string; type: CursorType; direction: 'asc' | 'desc'; after: '>' | '<' }
> = {
  created: { key: 'c.created_at', type: 'timestamptz', direction: 'asc', after: '>' },
  name: { key: 'lower(c.display_name)', type: 'text', direction: 'asc', after: '>' },
  last_visit: { key: LAST_VISIT, type: 'timestamptz', direction: 'desc', after: '<' },
}

const VISIT = z.object({ ticket_id: z.uuid(), number: z.number().int(), scheduled_start: timestamp })

/** include=visits: the next booked visit and the latest completed one. */
export const CONTACT_VISITS = z.object({ next_visit: VISIT.nullable(), last_visit: VISIT.nullable() })

type VisitRow = {
  contact_id: string
  next_id: string | null
  next_number: number | null
  next_start: Date | null
  last_id: string | null
  last_number: number | null
  last_start: Date | null
}

/** A lateral join, as `alias`, of contact c's next visit: the first still upcoming at `now` (SQL; see upcomingVisitSql). */
export function nextVisitJoin(now: string, alias: string): string {
  return `left join lateral (select t.* from tickets t
       where t.contact_id = c.id and ${upcomingVisitSql('t', now)}
       order by t.scheduled_start, t.id limit 1) ${alias} on true`
}

/** A lateral join, as `alias`, of contact c's latest completed visit. */
export function lastVisitJoin(alias: string): string {
  return `left join lateral (select t.* from tickets t
       where t.contact_id = c.id and t.status = 'completed' order by t.scheduled_start desc, t.id desc limit 1) ${alias} on true`
}

/** Each contact's next visit (booked, not yet over at `now`) and latest completed visit, read in one statement. */
export async function visitsOf(tx: Queryable, contactIds: string[], now: Date): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>()
  if (!contactIds.length) return out
  const r = await tx.query<VisitRow>(
    `select c.id as contact_id, n.id as next_id, n.number as next_number, n.scheduled_start as next_start,
            l.id as last_id, l.number as last_number, l.scheduled_start as last_start
     from contacts c ${nextVisitJoin('$2', 'n')} ${lastVisitJoin('l')}
     where c.id = any($1::uuid[])`,
    [contactIds, now],
  )
  for (const row of r.rows) {
    out.set(row.contact_id, {
      next_visit: row.next_id ? { ticket_id: row.next_id, number: Number(row.next_number), scheduled_start: row.next_start } : null,
      last_visit: row.last_id ? { ticket_id: row.last_id, number: Number(row.last_number), scheduled_start: row.last_start } : null,
    })
  }
  return out
}
