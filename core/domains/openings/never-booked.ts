import type { Queryable } from '../../db/types.js'
import { addDays, localDate, zonedInstant } from '../../vocabulary/time.js'
import type { BusinessHours } from '../settings/model.js'
import { activeTeam, bookable, busyOfTeam, freeStretches, type Slot } from '../tickets/free-time.js'
import { OPENINGS_DAYS_AHEAD, type Opening } from './openings-ahead.js'

/**
 * Working time nobody booked in the next OPENINGS_DAYS_AHEAD days, earliest first: per technician (a business without any:
 * its owners), each stretch of business hours at least `minutes` long, from now on, clear of visits, busy time and the
 * stored openings (listed as openings, or left free on purpose).
 */
export async function freeTimeAhead(
  db: Queryable,
  now: Date,
  business: { timezone: string; business_hours: BusinessHours },
  minutes: number,
): Promise<Opening[]> {
  const tz = business.timezone
  const until = new Date(now.getTime() + OPENINGS_DAYS_AHEAD * 86_400_000)
  const first = localDate(now, tz)
  const last = localDate(until, tz)
  const dates: string[] = []
  for (let d = first; d <= last; d = addDays(d, 1)) dates.push(d)
  const team = bookable(await activeTeam(db))
  const ids = team.map((u) => u.id)
  const from = zonedInstant(first, '00:00', tz)
  const to = zonedInstant(addDays(last, 1), '00:00', tz)
  const busy = await busyOfTeam(db, ids, from, to)
  const stored = await storedOpenings(db, ids, from, to)
  const found: Opening[] = []
  for (const member of team) {
    const stretches = freeStretches({
      dates,
      hours: business.business_hours,
      timeZone: tz,
      busy: [...(busy.get(member.id) ?? []), ...(stored.get(member.id) ?? [])],
      notBefore: now,
    })
    for (const s of stretches) {
      if (s.start >= until || +s.end - +s.start < minutes * 60_000) continue
      found.push({
        id: null,
        ticket_id: null,
        ticket_number: null,
        user_id: member.id,
        technician_name: member.name,
        starts_at: s.start,
        ends_at: s.end,
        reason: 'free',
        created_at: now,
      })
    }
  }
  return found.sort((a, b) => +a.starts_at - +b.starts_at || a.user_id.localeCompare(b.user_id))
}

/** The stored openings of a window, dismissed ones too, by technician: their time is answered as openings, not as free time. */
async function storedOpenings(db: Queryable, ids: readonly string[], from: Date, to: Date): Promise<Map<string, Slot[]>> {
  const r = await db.query<{ user_id: string; starts_at: Date; ends_at: Date }>(
    'select user_id, starts_at, ends_at from schedule_openings where user_id = any($1::uuid[]) and starts_at < $3 and ends_at > $2',
    [ids, from, to],
  )
  const out = new Map<string, Slot[]>()
  for (const o of r.rows) out.set(o.user_id, [...(out.get(o.user_id) ?? []), { start: new Date(o.starts_at), end: new Date(o.ends_at) }])
  return out
}
