import { dayFromWords } from '../../core/text/day-words.js'
import { validationError } from '../../core/kernel/errors.js'
import { localDate, weekdayOf } from '../../core/vocabulary/time.js'
import type { ToolContext } from '../tool.js'

/** The dates day arguments mean (YYYY-MM-DD kept, day words resolved from today in the zone), and what each word was read as. */
export function datesOf<K extends string>(
  ctx: ToolContext,
  tz: string,
  given: Partial<Record<K, string>>,
): { dates: Partial<Record<K, string>>; read_as?: Record<string, string> } {
  const today = localDate(ctx.services.now(), tz)
  const dates: Partial<Record<K, string>> = {}
  const readAs: Record<string, string> = {}
  for (const [field, text] of Object.entries(given) as Array<[K, string | undefined]>) {
    if (text === undefined) continue
    const day = dayFromWords(text, today)
    if (!day) throw validationError([{ field, message: `"${text}" is not a date YYYY-MM-DD or a day word` }])
    dates[field] = day
    if (day !== text) readAs[field] = `${text}: ${weekdayOf(day)} ${day}`
  }
  return Object.keys(readAs).length ? { dates, read_as: readAs } : { dates }
}
