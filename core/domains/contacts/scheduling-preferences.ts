import { WEEKDAYS, weekdayOf, type Weekday } from '../../vocabulary/time.js'
import { NOON } from '../../vocabulary/time.js'

/** The days and time of day a customer likes visits on, from contact.preferences; both optional. */
export interface SchedulingPreferences {
  preferred_days: Weekday[]
  time_of_day: 'morning' | 'afternoon' | null
}

/** The scheduling part of a contact's stored preferences, or null when they name no day and no time of day. */
export function schedulingPreferences(stored: unknown): SchedulingPreferences | null {
  const p = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>
  const days = Array.isArray(p.preferred_days) ? WEEKDAYS.filter((d) => (p.preferred_days as unknown[]).includes(d)) : []
  const time = p.time_of_day === 'morning' || p.time_of_day === 'afternoon' ? p.time_of_day : null
  return days.length || time ? { preferred_days: days, time_of_day: time } : null
}

/** Whether a start (wall clock in the business time zone) falls on a preferred day and in the preferred time of day (morning: before 12:00). */
export function fitsPreferences(date: string, time: string, prefs: SchedulingPreferences | null): boolean {
  if (!prefs) return true
  if (prefs.preferred_days.length && !prefs.preferred_days.includes(weekdayOf(date))) return false
  if (prefs.time_of_day === 'morning' && time >= NOON) return false
  if (prefs.time_of_day === 'afternoon' && time < NOON) return false
  return true
}

/** The preferences as a person reads them, e.g. "mon/thu, mornings (start before 12:00)". */
export function preferencesText(prefs: SchedulingPreferences): string {
  const parts = [
    prefs.preferred_days.join('/'),
    prefs.time_of_day ? `${prefs.time_of_day}s (start ${prefs.time_of_day === 'morning' ? 'before' : 'from'} ${NOON})` : '',
  ].filter(Boolean)
  return parts.join(', ')
}
