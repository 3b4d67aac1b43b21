import { dateFormat } from '../../../core/text/date-format.js'

/** A moment as the business reads it, short: "Thu, Nov 5, 9:00 AM" (the year only when it is not this year's). */
export function shortMoment(at: string | Date, timeZone: string, now = new Date()): string {
  const when = new Date(at)
  const sameYear = yearIn(when, timeZone) === yearIn(now, timeZone)
  return dateFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: sameYear ? undefined : 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(when)
}

function yearIn(at: Date, timeZone: string): string {
  return dateFormat('en-US', { timeZone, year: 'numeric' }).format(at)
}

/** How a contact's kind is called on the pages: a person or a company. */
export function kindWords(kind: string): string {
  return kind === 'organization' ? 'Company' : 'Person'
}

/** Who set a preference or fact, in words. */
export const ATTRIBUTE_SOURCE_WORDS: Record<string, string> = {
  note: 'read from a note',
  ticket_closeout: 'from a visit close-out',
  manual: 'set by hand',
  import: 'imported',
}

/** "every 2 weeks" from an RRULE's FREQ and INTERVAL; other rules are shown as written. */
export function ruleWords(rule: string): string {
  const freq = /FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)/.exec(rule)?.[1]
  const every = Number(/INTERVAL=(\d+)/.exec(rule)?.[1] ?? 1)
  const unit = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' }[freq ?? ''] ?? ''
  return unit ? `every ${every > 1 ? `${every} ${unit}s` : unit}` : rule
}
