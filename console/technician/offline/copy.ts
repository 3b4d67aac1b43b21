import { createHash } from 'node:crypto'
import { addDays, dayRange, localDate, localTime, weekdayOf } from '../../../core/vocabulary/time.js'
import type { PageCall } from '../context.js'

/** Which days a technician's phone keeps: today and tomorrow in the business's time zone. */
export function keptDays(now: Date, timeZone: string): string[] {
  const today = localDate(now, timeZone)
  return [today, addDays(today, 1)]
}

/** What a kept page is: its address, the day it is about (copies end with that day), and the pages to save with it. */
export interface KeptPage {
  url: string
  date: string
  /** A day page: shown offline for /today while the day lasts. */
  dayPage?: boolean
  /** Pages the phone saves along with this one (tomorrow's page, the day's tickets). */
  along?: string[]
}

/**
 * Marks the page as one the signed-in technician's phone may keep for reading without signal (the X-Offline-Copy header
 * the service worker reads): only a technician's, only about today or tomorrow, until that day ends, under a key of
 * the person so that another person's copies are never shown. An owner's pages and other days are never marked.
 */
export function keepOffline(call: PageCall, timeZone: string, page: KeptPage): void {
  const actor = call.session.actor
  if (actor.type !== 'user' || actor.role !== 'technician') return
  const now = call.services.now()
  if (!keptDays(now, timeZone).includes(page.date)) return
  const { start, end } = dayRange(page.date, timeZone)
  const day = localDate(now, timeZone)
  const copy = {
    person: createHash('sha256').update(`${call.session.tenantId}:${actor.id}`).digest('hex').slice(0, 24),
    url: page.url,
    date: page.date,
    until: end.toISOString(),
    ...(page.dayPage ? { day: page.date, from: start.toISOString() } : {}),
    saved: `Saved at ${localTime(now, timeZone)} on ${weekdayOf(day).replace(/^./, (c) => c.toUpperCase())} ${day}`,
    fetch: page.along ?? [],
  }
  call.res.set('X-Offline-Copy', JSON.stringify(copy))
}
