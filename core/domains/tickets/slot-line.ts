import { localDate, localTime } from '../../vocabulary/time.js'
import { technicianNamed } from '../users/technician-refs.js'
import { wallClock } from './model.js'

/** A team member as a free-time line names them. */
export interface LinedMember {
  id: string
  /** Their name, or their email when they have none. */
  name: string
}

/**
 * The shortest name that books this team member (their first name when no one else answers to it, else their whole
 * name), read as technician names are read in bookings; their whole name when nothing shorter means them alone.
 */
export function bookingName(member: LinedMember, team: ReadonlyArray<{ id: string; name: string }>): string {
  for (const name of [member.name.split(' ')[0], member.name]) {
    try {
      if (technicianNamed(team, name, 'technician') === member.id) return name
    } catch {
      // That name means no one or several: try the next, longer one.
    }
  }
  return member.name
}

/** One free time in one line, e.g. "Tue 2026-12-01 09:00–10:30 Sam" (the end on its own day when the visit runs past midnight). */
export function slotLine(start: Date, end: Date, who: string, timeZone: string): string {
  const endDay = localDate(end, timeZone)
  const until = endDay === localDate(start, timeZone) ? localTime(end, timeZone) : `${endDay} ${localTime(end, timeZone)}`
  return `${wallClock(start, timeZone)}–${until} ${who}`
}
