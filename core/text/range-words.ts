import { dayFromWords } from './day-words.js'
import { addDays, WEEKDAYS, weekdayOf } from '../vocabulary/time.js'

/**
 * The first and last dates (YYYY-MM-DD) a date, day word or week word means, counted from `today` (the business's date):
 * "this week" runs from today to Sunday, "next week" from the next Monday to the Sunday after it (weeks from Monday, as
 * "next friday" counts them); a day gives only its date (to null), the caller deciding how far to look. Null when the
 * text is none of these.
 */
export function rangeFromWords(text: string, today: string): { from: string; to: string | null } | null {
  const words = text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.,]$/, '')
  const now = WEEKDAYS.indexOf(weekdayOf(today))
  const toSunday = (7 - now) % 7
  if (words === 'this week') return { from: today, to: addDays(today, toSunday) }
  if (words === 'next week') {
    const monday = addDays(today, toSunday + 1)
    return { from: monday, to: addDays(monday, 6) }
  }
  const day = dayFromWords(text, today)
  return day ? { from: day, to: null } : null
}
