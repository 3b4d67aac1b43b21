import type { Queryable } from '../../db/types.js'
import { upcomingVisitSql } from '../../vocabulary/upcoming-visits.js'
import type { ContactVisits } from '../contacts/visit-source.js'

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

/** Customers' visits as the contacts domain reads them: its list's last_visit sort, service filter and include=visits. */
export const TICKET_CONTACT_VISITS: ContactVisits = {
  lastVisitStart: `coalesce((select max(t.scheduled_start) from tickets t where t.contact_id = c.id and t.status = 'completed'),
  '1970-01-01T00:00:00Z'::timestamptz)`,
  receivedCondition(visit, arg) {
    return (
      `exists (select 1 from tickets t where t.contact_id = c.id and t.status = 'completed'` +
      `${visit.from ? ` and t.scheduled_start >= ${arg(visit.from.toISOString())}::timestamptz` : ''}` +
      `${visit.to ? ` and t.scheduled_start < ${arg(visit.to.toISOString())}::timestamptz` : ''}` +
      `${visit.serviceId ? ` and exists (select 1 from ticket_line_items li where li.ticket_id = t.id and li.service_id = ${arg(visit.serviceId)})` : ''})`
    )
  },
  async visitsOf(tx: Queryable, contactIds: string[], now: Date): Promise<Map<string, unknown>> {
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
  },
}
