import { z } from 'zod'
import { notFound } from '../../kernel/errors.js'
import type { Queryable } from '../../db/types.js'
import { auditTrailExpansion, timestamp } from '../../kernel/output-types.js'
import { defineQuery } from '../../kernel/registry.js'
import { clockTime, whenText } from '../../text/date-words.js'
import { loadTenantSettings } from '../settings/model.js'
import { candidatesFor, OPENINGS_DAYS_AHEAD, type Opening, openingsAhead, type WaitingEntry, waitingEntries } from './openings-ahead.js'
import { addDays, localDate } from '../../vocabulary/time.js'
import { busyDoubtsOf } from '../../vocabulary/busy-time.js'
import { decodeCursor, encodeCursor } from '../../kernel/pagination.js'
import { freeTimeAhead } from './never-booked.js'

/** One waitlisted customer who could take an opening, with the slot_offer.send call that offers it to them. */
const OPENING_CANDIDATE = z.object({
  waitlist_entry_id: z.uuid(),
  contact_id: z.uuid(),
  contact_name: z.string(),
  meters: z
    .number()
    .int()
    .nullable()
    .describe("From the nearest of the technician's visits around the time, else the business's home base; null without points"),
  near: z.string(),
  waiting_since: timestamp,
  offer: z
    .object({
      contact_id: z.uuid(),
      service_ids: z.array(z.uuid()),
      slots: z.array(z.object({ start: timestamp, technician_id: z.uuid() })),
    })
    .nullable()
    .describe('The data of slot_offer.send that offers them this time; null when neither the entry nor their last visit names a service'),
})

/** An opening or a stretch of never-booked time, as schedule_openings answers it. */
export const SCHEDULE_OPENING = z.object({
  id: z
    .uuid()
    .nullable()
    .describe(
      'The opening, for schedule_opening.dismiss and a read by id; null for never-booked time (nothing to dismiss: it is free until booked)',
    ),
  ticket_id: z.uuid().nullable().describe('The visit whose cancel, no-show or move left the time free; null for never-booked time'),
  ticket_number: z.number().int().nullable(),
  technician_id: z.uuid(),
  technician_name: z.string(),
  starts_at: timestamp,
  ends_at: timestamp,
  slot: z.string().describe('"Thursday, December 3, 2026 at 10:00 AM–11:30 AM, Sam", in the business time zone'),
  reason: z.enum(['cancelled', 'no_show', 'moved', 'free']).describe('free: working time nobody booked'),
  busy_unknown: z
    .string()
    .optional()
    .describe("Why the technician's busy time outside visits is not known now (Google needs reconnecting): the time may not be free"),
  offered_to: z.array(z.string()).describe('Customers this time is already offered to, by open offers'),
  candidates: z.array(OPENING_CANDIDATE),
})

/** Which times schedule_openings answers: those a visit left, working time nobody booked, or both. */
const OPENING_KINDS = ['left', 'free', 'all'] as const

/** Working time counts as free when at least this long, while nobody waiting gives a shorter visit to fit. */
const FREE_MINUTES = 60

/** Times left free by a cancel, a no-show or a move, working time nobody booked, and the waitlisted customers near them. */
export const scheduleOpeningsQuery = defineQuery({
  type: 'schedule_openings',
  phrases: [
    'fill a cancelled slot',
    'who on the waitlist could take the opening',
    'gaps in the schedule',
    'fill a free afternoon',
    'waitlist',
    'cancellation',
    'opening',
    'fill the gap',
    'free slot',
    'free time',
  ],
  description:
    `Times in the next ${OPENINGS_DAYS_AHEAD} days that a cancel, a no-show or a move left free and that are still free (no visit or busy ` +
    'time since), and working time nobody booked (reason free, with no id and no visit behind it: stretches of business hours free of ' +
    'visits and Google busy times, from now on, at least as long as the shortest waiting visit, else an hour), earliest ' +
    "first; kind: left | free | all (default all). Each with the waitlisted customers who could take it: the entry's dates, " +
    "days and time of day fit, the visit's length fits, and they live within the owner's distance (schedule_opening.set_distance; " +
    "default 8 km) of the technician's visits around it (its own visit's house included), or of the home base on an empty " +
    'day; without points, in the ZIP code of one of those visits. Nearest first, then the longest waiting; each with the ' +
    'slot_offer.send data that offers them the time (an afternoon entry from noon; the first to pick books it, ' +
    'the others are told it went). schedule_opening.dismiss hides an opening (never-booked time has nothing to dismiss). note says why when ' +
    'nothing is found or nobody on the waitlist fits.',
  entity: 'schedule_opening',
  access: { agent: 'unrestricted', technician: 'none' },
  defaultLimit: 10,
  params: z.object({
    kind: z
      .enum(OPENING_KINDS)
      .optional()
      .describe('openings: times a visit left; free: working time nobody booked; all (default): both, earliest first'),
    candidates: z.coerce.number().int().min(0).max(10).optional().describe('Candidates per time (default 3)'),
  }),
  record: SCHEDULE_OPENING.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const settings = await loadTenantSettings(ctx.db)
    const tz = settings.timezone
    const now = ctx.services.now()
    const kind = req.id ? 'left' : (req.params.kind ?? 'all')
    const most = req.params.candidates ?? 3
    const today = localDate(now, tz)
    const entries = await waitingEntries(ctx.db, today, addDays(today, OPENINGS_DAYS_AHEAD))
    const shortest = entries.length ? Math.min(...entries.map((e) => e.minutes)) : FREE_MINUTES
    const times = [
      ...(kind === 'free' ? [] : await openingsAhead(ctx.db, now, req.id)),
      ...(kind === 'left' ? [] : await freeTimeAhead(ctx.db, now, settings, shortest)),
    ].sort(earliestFirst)
    const after = req.cursor ? cursorOf(req.cursor) : null
    const rest = after ? times.filter((t) => earliestFirst(t, after) > 0) : times
    const kept = rest.slice(0, req.limit)
    const within = await openingDistance(ctx.db)
    const doubts = await busyDoubtsOf(ctx.db, [...new Set(kept.filter((t) => !t.id).map((t) => t.user_id))])
    const items = []
    for (const t of kept) {
      const opening = await openingOf(ctx.db, t, entries, tz, within, most)
      items.push(doubts.has(t.user_id) && !t.id ? { ...opening, busy_unknown: doubts.get(t.user_id) } : opening)
    }
    const last = kept.at(-1)
    const next_cursor =
      rest.length > kept.length && last
        ? encodeCursor([new Date(last.starts_at).toISOString(), last.user_id, new Date(last.ends_at).toISOString()])
        : null
    const note = req.cursor ? null : emptyNote(kind, items, { waiting: entries.length, shortest, within, most })
    return { items, next_cursor, ...(note ? { note } : {}) }
  },
})

/** Earliest first, then by technician, then the shorter first. */
function earliestFirst(
  a: Pick<Opening, 'starts_at' | 'ends_at' | 'user_id'>,
  b: Pick<Opening, 'starts_at' | 'ends_at' | 'user_id'>,
): number {
  return +a.starts_at - +b.starts_at || a.user_id.localeCompare(b.user_id) || +a.ends_at - +b.ends_at
}

/** Where the previous page ended: its last time's start, technician and end. */
function cursorOf(cursor: string): Pick<Opening, 'starts_at' | 'ends_at' | 'user_id'> {
  const [start, user, end] = decodeCursor(cursor, ['timestamptz', 'uuid', 'timestamptz']) as [string, string, string]
  return { starts_at: new Date(start), user_id: user, ends_at: new Date(end) }
}

/** Why the answer names nobody, in words: no time found, nobody waiting, or nobody waiting who fits and lives near. */
function emptyNote(
  kind: (typeof OPENING_KINDS)[number],
  items: ReadonlyArray<{ candidates: readonly unknown[] }>,
  { waiting, shortest, within, most }: { waiting: number; shortest: number; within: number; most: number },
): string | null {
  const days = `the next ${OPENINGS_DAYS_AHEAD} days`
  if (!items.length) {
    const openings = 'no time a cancel, a no-show or a move left is still free'
    const free = `no stretch of business hours of at least ${shortest} minutes is free of visits and busy time (business hours: settings)`
    const why = kind === 'left' ? openings : kind === 'free' ? free : `${openings}, and ${free}`
    return `Nothing in ${days}: ${why}.`
  }
  if (!most || items.some((g) => g.candidates.length)) return null
  if (!waiting) return `Nobody on the waitlist is waiting for a day in ${days} (waitlist.add puts a customer on it).`
  return (
    `Nobody waiting fits these times (their dates, days, time of day and visit length) and lives within ${within / 1000} km of ` +
    "the technician's visits around them or the home base (schedule_opening.set_distance widens it)."
  )
}

/** How far from the technician's visits a waitlisted customer may live to be offered an opening, in meters. */
export async function openingDistance(db: Queryable): Promise<number> {
  const r = await db.query<{ gap_fill_meters: number }>('select gap_fill_meters from tenants where id = app_tenant()')
  return r.rows[0]?.gap_fill_meters ?? 8000
}

/** An opening with its candidates and who it is already offered to. */
export async function openingOf(
  db: Queryable,
  o: Opening,
  entries: readonly WaitingEntry[],
  timeZone: string,
  within: number,
  most: number,
): Promise<z.infer<typeof SCHEDULE_OPENING>> {
  const candidates = most ? await candidatesFor(db, o, entries, timeZone, within, most) : []
  const offered = await db.query<{ name: string }>(
    `select distinct coalesce(c.display_name, f.email) as name from slot_offer_slots s join slot_offers f on f.id = s.offer_id
       left join contacts c on c.id = f.contact_id
      where f.status = 'open' and s.taken_at is null and s.technician_id = $1 and s.starts_at = $2 order by 1`,
    [o.user_id, o.starts_at],
  )
  const start = new Date(o.starts_at).toISOString()
  return {
    id: o.id,
    ticket_id: o.ticket_id,
    ticket_number: o.ticket_number,
    technician_id: o.user_id,
    technician_name: o.technician_name,
    starts_at: start,
    ends_at: new Date(o.ends_at).toISOString(),
    slot: `${whenText(new Date(o.starts_at), timeZone)}–${clockTime(new Date(o.ends_at), timeZone)}, ${o.technician_name}`,
    reason: o.reason,
    offered_to: offered.rows.map((r) => r.name),
    candidates: candidates.map((c) => ({
      waitlist_entry_id: c.waitlist_entry_id,
      contact_id: c.contact_id,
      contact_name: c.contact_name,
      meters: c.meters,
      near: c.near,
      waiting_since: new Date(c.waiting_since).toISOString(),
      offer: c.service_ids.length
        ? {
            contact_id: c.contact_id,
            service_ids: c.service_ids,
            slots: [{ start: new Date(c.start).toISOString(), technician_id: o.user_id }],
          }
        : null,
    })),
  }
}

/** How near the technician's visits a waitlisted customer must live to be named for an opening. */
export const openingSettingsQuery = defineQuery({
  type: 'opening_settings',
  phrases: ['how near must waitlist customers live'],
  description:
    "The distance from the technician's visits around an opening within which waitlisted customers are named for it (schedule_opening.set_distance changes it).",
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: z.object({ km: z.number() }),
  async run(ctx, req) {
    if (req.id) throw notFound('opening_settings', req.id)
    return { items: [{ km: (await openingDistance(ctx.db)) / 1000 }], next_cursor: null }
  },
})
