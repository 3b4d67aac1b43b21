import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { notFound } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'

/** The most and fewest times one offer holds. */
export const OFFER_SLOTS = { min: 1, max: 5 } as const

/** Where an offer stands as the owner and the agent read it; an open offer past its expiry reads as expired. */
export const OFFER_STATUSES = ['open', 'booked', 'revoked', 'expired'] as const

/** Where one offered time stands: still on offer, found taken when picked, booked, or lapsed (passed, or the offer closed). */
export const SLOT_STATUSES = ['open', 'taken', 'booked', 'lapsed'] as const

/** An instant inside built JSON as the API writes every time: ISO 8601 in UTC with milliseconds. */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** The columns of an offer as the API shows it, over slot_offers o; $now is the caller's clock as a parameter. */
export function offerColumns(now: string): string {
  return `o.id, o.contact_id, o.lead_id, o.email, o.service_ids, o.duration_minutes, o.note,
  case when o.status = 'open' and o.expires_at <= ${now} then 'expired' else o.status end as status,
  o.expires_at, o.emailed_at, o.email_error, o.ticket_id, o.booked_slot_id, o.booked_at, o.revoked_at, o.revoke_reason,
  o.created_at, o.updated_at,
  coalesce((select jsonb_agg(jsonb_build_object('id', s.id, 'technician_id', s.technician_id, 'start', ${iso('s.starts_at')}, 'end', ${iso('s.ends_at')},
    'status', case when s.id = o.booked_slot_id then 'booked' when s.taken_at is not null then 'taken'
                   when o.status <> 'open' or o.expires_at <= ${now} or s.starts_at <= ${now} then 'lapsed' else 'open' end)
    order by s.position) from slot_offer_slots s where s.offer_id = o.id), '[]') as slots`
}

/** An offer as the API shows it. */
export const OFFER_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid().nullable(),
  lead_id: z.uuid().nullable(),
  email: z.string(),
  service_ids: z.array(z.uuid()),
  duration_minutes: z.number().int(),
  note: z.string().nullable(),
  status: z.enum(OFFER_STATUSES),
  expires_at: timestamp,
  emailed_at: timestamp.nullable(),
  email_error: z.string().nullable(),
  ticket_id: z.uuid().nullable(),
  booked_slot_id: z.uuid().nullable(),
  booked_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
  revoke_reason: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  slots: z.array(z.object({ id: z.uuid(), technician_id: z.uuid(), start: timestamp, end: timestamp, status: z.enum(SLOT_STATUSES) })),
})

/** One offer as the API shows it, or NOT_FOUND naming offer_id. */
export async function loadOffer(tx: Queryable, id: string, now: Date): Promise<Record<string, unknown>> {
  const r = await tx.query(`select ${offerColumns('$2')} from slot_offers o where o.id = $1`, [id, now])
  if (!r.rows[0]) throw notFound('slot_offer', id)
  return r.rows[0]
}
