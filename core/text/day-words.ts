import { lookupTable } from '../kernel/lookup-table.js'
import { z } from 'zod'
import { bindable } from '../kernel/bindable.js'
import { addDays, WEEKDAYS, weekdayOf } from '../vocabulary/time.js'

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/

const DAY_NAMES: Readonly<Record<string, number>> = lookupTable({
  sunday: 0,
  sun: 0,
  monday: 1,
  mon: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  wednesday: 3,
  wed: 3,
  thursday: 4,
  thu: 4,
  thur: 4,
  thurs: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6,
})

/** How day words read, for a tool's description. */
export const DAY_WORDS_HELP =
  'YYYY-MM-DD or a day word in the business time zone: today, tomorrow, a weekday ("friday", "this friday": the next one from ' +
  'today on), "next friday" (the one in the following week, weeks from Monday)'

/** Whether a text is a date YYYY-MM-DD or a day word dayFromWords understands. */
export function isDayText(text: string): boolean {
  return (DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) || wordDay(text, '2000-01-03') !== null
}

/** A day argument: YYYY-MM-DD or a day word (today, tomorrow, friday, next tuesday), read by dayFromWords in the business time zone. */
export const dayInput = () =>
  bindable(
    z
      .string()
      .trim()
      .max(40)
      .refine((v) => isDayText(v), `expected ${DAY_WORDS_HELP}`),
    // "today" read on the day the owner answers would be another day: a call that waits keeps the date it meant.
    { what: 'a day', bind: async (ctx, value) => dayFromWords(String(value), ctx.today) ?? value },
  )

/**
 * The calendar date (YYYY-MM-DD) a date or day word means, counted from `today` (the business's date): "today",
 * "tomorrow", "monday" or "this monday" (the first from today on), "next monday" (the Monday of the following week).
 * Null when the text is neither.
 */
export function dayFromWords(text: string, today: string): string | null {
  const t = text.trim()
  if (DATE.test(t)) return Number.isNaN(Date.parse(`${t}T00:00:00Z`)) ? null : t
  return wordDay(t, today)
}

function wordDay(text: string, today: string): string | null {
  const words = text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.,]$/, '')
  if (words === 'today') return today
  if (words === 'tomorrow') return addDays(today, 1)
  const m = /^(?:(this|next|on) )?([a-z]+)$/.exec(words)
  if (!m || !(m[2] in DAY_NAMES)) return null
  const wanted = DAY_NAMES[m[2]]
  const now = WEEKDAYS.indexOf(weekdayOf(today))
  const ahead = (wanted - now + 7) % 7
  if (m[1] !== 'next') return addDays(today, ahead)
  // The following week, Monday to Sunday: from today to the next Monday, then on to the wanted day.
  const toNextMonday = (1 - now + 7) % 7 || 7
  return addDays(today, toNextMonday + ((wanted + 6) % 7))
}
