import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { busyTimeOf } from '../../vocabulary/busy-time.js'
import { wallClock } from './model.js'
import { ACTIVE_STATUSES } from '../../vocabulary/ticket-states.js'

/**
 * Serializes bookings per technician: a transaction-scoped advisory lock for each (business, technician), taken in
 * ascending key order so two bookings that share technicians cannot deadlock. Held until commit, so the overlap check
 * that follows sees every booking committed before it and none can slip in between the check and the insert.
 */
export async function lockTechnicianCalendars(tx: Queryable, tenantId: string, userIds: readonly string[]): Promise<void> {
  if (!userIds.length) return
  const keys = await tx.query<{ key: string }>(
    `select distinct hashtextextended($1 || ':' || u, 0)::text as key from unnest($2::text[]) u order by 1`,
    [tenantId, [...userIds]],
  )
  const sorted = keys.rows.map((k) => BigInt(k.key)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  for (const key of sorted) await tx.query('select pg_advisory_xact_lock($1::bigint)', [key.toString()])
}

/** Refuses a time that overlaps another active ticket of any of the technicians, naming that ticket and technician. */
export async function assertNoDoubleBooking(
  tx: Queryable,
  args: {
    technicianIds: readonly string[]
    start: Date
    end: Date
    exceptTicketId?: string
    /** Visits moving in the same call, not yet moved: their old times are no clash (each is checked when it moves). */
    movingTicketIds?: readonly string[]
    timeZone: string
  },
): Promise<void> {
  if (!args.technicianIds.length) return
  const r = await tx.query<{ id: string; number: number; scheduled_start: Date; scheduled_end: Date; user_id: string; name: string }>(
    `select t.id, t.number, t.scheduled_start, t.scheduled_end, tt.user_id, u.name
     from ticket_technicians tt
     join tickets t on t.tenant_id = tt.tenant_id and t.id = tt.ticket_id
     join users u on u.tenant_id = tt.tenant_id and u.id = tt.user_id
     where tt.user_id = any($1::uuid[]) and t.status = any($2::text[])
       and t.scheduled_start < $4 and t.scheduled_end > $3 and ($5::uuid is null or t.id <> $5) and t.id <> all($6::uuid[])
     order by t.scheduled_start, t.number limit 1`,
    [[...args.technicianIds], [...ACTIVE_STATUSES], args.start, args.end, args.exceptTicketId ?? null, [...(args.movingTicketIds ?? [])]],
  )
  const clash = r.rows[0]
  if (!clash) return assertNotBusyElsewhere(tx, args)
  const tz = args.timeZone
  throw new AppError(
    'CONFLICT',
    `${clash.name || 'The technician'} (user id ${clash.user_id}) is already booked on ticket #${clash.number} (ticket id ${clash.id}) ` +
      `from ${wallClock(clash.scheduled_start, tz)} to ${wallClock(clash.scheduled_end, tz)} (${tz}); ` +
      'choose another time or technician (the availability data type lists free slots)',
    {
      reason: 'double_booking',
      ticket_id: clash.id,
      ticket_number: clash.number,
      technician_id: clash.user_id,
      scheduled_start: clash.scheduled_start,
      scheduled_end: clash.scheduled_end,
    },
  )
}

/** Refuses a time when one of the technicians is busy elsewhere then (their own Google calendar): a block counts like a visit. */
async function assertNotBusyElsewhere(tx: Queryable, args: { technicianIds: readonly string[]; start: Date; end: Date; timeZone: string }) {
  const [block] = await busyTimeOf(tx, args.technicianIds, args.start, args.end)
  if (!block) return
  const who = await tx.query<{ name: string }>('select name from users where id = $1', [block.user_id])
  const tz = args.timeZone
  throw new AppError(
    'CONFLICT',
    `${who.rows[0]?.name || 'The technician'} (user id ${block.user_id}) is busy in ${block.where} ` +
      `from ${wallClock(block.starts_at, tz)} to ${wallClock(block.ends_at, tz)} (${tz}); ` +
      'choose another time or technician (the availability data type lists free slots)',
    { reason: block.reason, technician_id: block.user_id, busy_start: block.starts_at, busy_end: block.ends_at },
  )
}
