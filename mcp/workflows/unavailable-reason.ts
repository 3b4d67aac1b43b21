import type { BusinessHours } from '../../core/domains/settings/model.js'
import { addDays, weekdayOf } from '../../core/vocabulary/time.js'

/** What was asked of a booking that found no free start. */
export interface WantedWindow {
  date: string
  last: string
  time?: string
  after?: string
  before?: string
  minutes: number
  technicianId?: string
  /** Today and the time now, in the business time zone. */
  today: string
  nowTime: string
}

/** Why no start was free: the past, outside working hours, the technicians busy at that time, or the whole window booked. */
export function unavailableReason(
  w: WantedWindow,
  hours: Partial<BusinessHours>,
): { reason: 'past' | 'outside_hours' | 'no_technician_free' | 'fully_booked'; why: string } {
  if (w.last < w.today || (w.time && w.date === w.today && w.last === w.today && w.time < w.nowTime)) {
    return { reason: 'past', why: 'the date is in the past in the business time zone: ask for a day from today' }
  }
  if (!withinHours(w, hours)) {
    return { reason: 'outside_hours', why: `outside working hours (${hoursText(hours)}): ask for a time when the business works` }
  }
  if (w.time) {
    return {
      reason: 'no_technician_free',
      why: w.technicianId ? 'that technician is busy at that time' : 'no technician is free at that time',
    }
  }
  return { reason: 'fully_booked', why: `the window is fully booked for a ${w.minutes}-minute visit` }
}

/** Whether a visit of the wanted length fits inside the business hours on some day of the window (from today on). */
function withinHours(w: WantedWindow, hours: Partial<BusinessHours>): boolean {
  const from = w.date < w.today ? w.today : w.date
  for (let d = from; d <= w.last; d = addDays(d, 1)) {
    for (const [open, close] of hours[weekdayOf(d)] ?? []) {
      const start = w.time ?? maxTime(open, w.after ?? open)
      const end = minTime(close, w.before ?? close)
      if (start >= open && plusMinutes(start, w.minutes) <= end) return true
    }
  }
  return false
}

/** The business hours in a line, e.g. "mon 08:00-17:00, tue 08:00-17:00". */
function hoursText(hours: Partial<BusinessHours>): string {
  const days = Object.entries(hours).filter(([, spans]) => spans.length)
  return days.length
    ? days.map(([day, spans]) => `${day} ${spans.map(([a, b]) => `${a}-${b}`).join(' ')}`).join(', ')
    : 'no working hours are set'
}

function plusMinutes(hhmm: string, minutes: number): string {
  const total = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)) + minutes
  return total >= 24 * 60 ? '24:00' : `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`
}

const maxTime = (a: string, b: string) => (a > b ? a : b)
const minTime = (a: string, b: string) => (a < b ? a : b)
