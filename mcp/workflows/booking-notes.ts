import { preferencesText, type SchedulingPreferences } from '../../core/domains/contacts/scheduling-preferences.js'
import { timeOnSite } from '../../core/domains/tickets/time-on-site.js'
import type { LastVisit } from '../../core/domains/invoices/customer-overview.js'

/** How a booking stands with the customer's preferred days and time of day, for the agent to tell or act on. */
export function preferenceNote(prefs: SchedulingPreferences, preferred: boolean, exactTime: boolean): Record<string, unknown> {
  const wanted = preferencesText(prefs)
  return {
    customer_prefers: wanted,
    followed: preferred,
    note: preferred
      ? `Booked on the customer's preferred days and times (${wanted}).`
      : exactTime
        ? `The time asked for is outside the customer's preferences (${wanted}).`
        : `No free start in the requested window fits the customer's preferences (${wanted}); booked the earliest free start instead.`,
  }
}

/**
 * The customer's last visit beside this booking's length, so the agent can see a slot that is too short; lengthFromIt
 * when the booking took its length from that visit.
 */
export function lastVisitNote(last: LastVisit, bookedMinutes: number, lengthFromIt = false): Record<string, unknown> {
  const took = last.actual_minutes
  const longer = took !== null && took > bookedMinutes
  return {
    date: last.date,
    services: last.services,
    time_on_site: last.time_on_site,
    actual_minutes: took,
    total_cents: last.total_cents,
    close_note: last.note,
    facts: last.facts,
    note:
      took === null
        ? `The last visit (${last.date}) has no recorded time on site.`
        : lengthFromIt
          ? `Last visit (${last.date}) took ${last.time_on_site} for the same work, so this booking is ${timeOnSite(bookedMinutes)}.`
          : `Last visit (${last.date}) took ${last.time_on_site}; this booking is ${timeOnSite(bookedMinutes)}.` +
            (longer ? ` Consider a longer slot (duration_minutes ${took}).` : ''),
  }
}
