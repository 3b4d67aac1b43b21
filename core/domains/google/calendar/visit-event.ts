import { createHash } from 'node:crypto'
import type { GoogleEvent } from '../../../clients/google-calendar.js'
import type { Queryable } from '../../../db/types.js'

/** A visit as its calendar event shows it. */
export interface VisitRow {
  id: string
  number: number
  status: string
  scheduled_start: Date
  scheduled_end: Date
  contact_name: string
  address: string | null
  access_notes: string | null
  services: string[]
  technicians: string[]
  series_id: string | null
  /** The local date of the series' occurrence the visit was booked for. */
  series_occurrence: string | null
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv'

/**
 * The event id of a visit in a calendar, chosen by us and the same on every try: a retry after a crash between Google's
 * write and our commit meets Google's 409 duplicate instead of making a second event. base32hex, as Google requires.
 */
export function visitEventId(ticketId: string, calendarId: string): string {
  return derivedEventId(`crm-visit|${ticketId}|${calendarId}`)
}

/** An event id (base32hex, 32 characters) derived from a key: the same key, the same id. */
export function derivedEventId(key: string): string {
  const digest = createHash('sha256').update(key).digest()
  let bits = 0
  let value = 0
  let out = 'crm'
  for (const byte of digest) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return out.slice(0, 32)
}

/** Visits (by id) with what their events show: customer, address and gate notes, services, technicians. */
export async function loadVisits(tx: Queryable, ticketIds: string[]): Promise<Map<string, VisitRow>> {
  if (ticketIds.length === 0) return new Map()
  const r = await tx.query<VisitRow>(
    `select t.id, t.number, t.status, t.scheduled_start, t.scheduled_end, t.series_id, t.series_occurrence::text, c.display_name as contact_name,
       case when a.id is null then null else concat_ws(', ', a.line1, nullif(a.line2, ''), a.city, concat_ws(' ', a.state, a.postal_code)) end
         as address,
       a.access_notes,
       coalesce((select array_agg(li.description order by li.position, li.created_at) from ticket_line_items li
                 where li.ticket_id = t.id), '{}') as services,
       coalesce((select array_agg(tt.user_id::text order by tt.user_id) from ticket_technicians tt where tt.ticket_id = t.id), '{}')
         as technicians
     from tickets t join contacts c on c.id = t.contact_id left join addresses a on a.id = t.address_id
     where t.id = any($1::uuid[])`,
    [ticketIds],
  )
  return new Map(r.rows.map((v) => [v.id, v]))
}

/** Whether a visit belongs on calendars at all (cancelled and no-show visits are taken off). */
export function visitIsOn(visit: VisitRow): boolean {
  return visit.status !== 'cancelled' && visit.status !== 'no_show'
}

/** The event a visit is written as: customer and services, address, gate notes, a link to the visit, our ids. */
export function visitEvent(visit: VisitRow, input: { tenantId: string; timeZone: string; baseUrl: string }): Omit<GoogleEvent, 'id'> {
  const services = visit.services.length ? visit.services.join(', ') : 'Visit'
  const lines = [`Services: ${services}`]
  if (visit.access_notes) lines.push(`Gate notes: ${visit.access_notes}`)
  lines.push(`Visit #${visit.number}: ${input.baseUrl}/tickets/${visit.id}`)
  return {
    status: 'confirmed',
    summary: `${visit.contact_name}: ${services}`,
    ...(visit.address ? { location: visit.address } : {}),
    description: lines.join('\n'),
    start: { dateTime: visit.scheduled_start.toISOString(), timeZone: input.timeZone },
    end: { dateTime: visit.scheduled_end.toISOString(), timeZone: input.timeZone },
    transparency: 'opaque',
    extendedProperties: { private: { crmTicketId: visit.id, crmTenantId: input.tenantId } },
  }
}

/** A fingerprint of what is sent: the same event, the same fingerprint, nothing to send. */
export function eventFingerprint(event: object): string {
  return createHash('sha256').update(JSON.stringify(event)).digest('base64url').slice(0, 32)
}
