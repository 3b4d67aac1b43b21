import { busyTimeOf } from '../../vocabulary/busy-time.js'
import type { Queryable } from '../../db/types.js'
import { ACTIVE_STATUSES } from '../../vocabulary/ticket-states.js'
import { weekdayOf, zonedInstant } from '../../vocabulary/time.js'
import type { BusinessHours } from '../settings/model.js'

/** A period of time: a free slot, a busy interval. */
export interface Slot {
  start: Date
  end: Date
}

/** A stretch of free time, and the start of the business-hours period it lies in (where a period's start grid begins). */
export interface FreeStretch extends Slot {
  open: Date
}

/**
 * The free stretches of one technician, earliest first: each period of business hours on the dates, from notBefore on,
 * less every busy interval (one that only touches a stretch's edge leaves it whole).
 */
export function freeStretches(args: {
  dates: readonly string[]
  hours: BusinessHours
  timeZone: string
  busy: ReadonlyArray<Slot>
  notBefore: Date
}): FreeStretch[] {
  const stretches: FreeStretch[] = []
  const busy = [...args.busy].sort((a, b) => a.start.getTime() - b.start.getTime())
  for (const date of args.dates) {
    for (const [opens, closes] of args.hours[weekdayOf(date)] ?? []) {
      const open = zonedInstant(date, opens, args.timeZone)
      const end = zonedInstant(date, closes, args.timeZone).getTime()
      let from = Math.max(open.getTime(), args.notBefore.getTime())
      for (const b of busy) {
        if (from >= end) break
        if (b.end.getTime() <= from || b.start.getTime() >= end) continue
        if (b.start.getTime() > from) stretches.push({ start: new Date(from), end: new Date(b.start.getTime()), open })
        from = Math.max(from, b.end.getTime())
      }
      if (from < end) stretches.push({ start: new Date(from), end: new Date(end), open })
    }
  }
  return stretches
}

/** A team member whose free times may be listed. */
export interface TeamMember {
  id: string
  /** Their name, or their email when they have none. */
  name: string
  role: string
  /** How the team is ordered: the name in lower case. */
  sort: string
}

/** The team members still active, in name order; a person added by email alone (the first owner, say) is named by it. */
export async function activeTeam(tx: Queryable): Promise<TeamMember[]> {
  const r = await tx.query<TeamMember>(
    `select id, coalesce(nullif(name, ''), email) as name, role, lower(coalesce(nullif(name, ''), email)) as sort
     from users where deactivated_at is null order by 4, id`,
  )
  return r.rows
}

/** Who visits are booked with: the technicians, or a business without any its owners. */
export function bookable(team: readonly TeamMember[]): TeamMember[] {
  return team.some((u) => u.role === 'technician') ? team.filter((u) => u.role === 'technician') : team.filter((u) => u.role === 'owner')
}

/** Each person's busy time in a window, by id: their visits still to do and the busy time a capability reports (a Google calendar). */
export async function busyOfTeam(db: Queryable, ids: readonly string[], from: Date, to: Date): Promise<Map<string, Slot[]>> {
  const booked = await db.query<{ user_id: string; scheduled_start: Date; scheduled_end: Date }>(
    `select tt.user_id, t.scheduled_start, t.scheduled_end
       from ticket_technicians tt join tickets t on t.tenant_id = tt.tenant_id and t.id = tt.ticket_id
      where tt.user_id = any($1::uuid[]) and t.status = any($2::text[]) and t.scheduled_start < $4 and t.scheduled_end > $3`,
    [ids, [...ACTIVE_STATUSES], from, to],
  )
  const blocks = await busyTimeOf(db, ids, from, to)
  const busy = new Map<string, Slot[]>(ids.map((id) => [id, []]))
  for (const b of booked.rows) busy.get(b.user_id)?.push({ start: new Date(b.scheduled_start), end: new Date(b.scheduled_end) })
  for (const b of blocks) busy.get(b.user_id)?.push({ start: new Date(b.starts_at), end: new Date(b.ends_at) })
  return busy
}
