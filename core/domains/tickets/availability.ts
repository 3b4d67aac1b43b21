import { z } from 'zod'
import { AppError, validationError } from '../../kernel/errors.js'
import { decodeCursor, encodeCursor } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { addDays, localDate, localStamp, localTime, zonedInstant } from '../../vocabulary/time.js'
import { dayFromWords } from '../../text/day-words.js'
import { rangeFromWords } from '../../text/range-words.js'
import { loadTenantSettings, type BusinessHours } from '../settings/model.js'
import { busyDoubtsOf } from '../../vocabulary/busy-time.js'
import { activeTeam, bookable, busyOfTeam, freeStretches, type Slot, type TeamMember } from './free-time.js'
import { isUuid } from '../../kernel/schema-types.js'
import type { Queryable } from '../../db/types.js'
import { fitsPreferences, schedulingPreferences, type SchedulingPreferences } from '../contacts/scheduling-preferences.js'
import { serviceOf } from '../services/service-refs.js'
import { technicianNamed } from '../users/technician-refs.js'
import { inPartOfDay, PARTS_OF_DAY, PARTS_OF_DAY_HELP, partOfDayAt } from './part-of-day.js'
import { spreadChoices } from './spread-choices.js'
import { bookingName, slotLine } from './slot-line.js'
import { timestamp } from '../../kernel/output-types.js'
import type { Place } from '../routes/planner.js'
import { placeOfCustomer, placedVisits, type SlotDriving, slotDriving, startsOf } from '../routes/slot-driving.js'

/** Free times one technician's range is weighed on at most when ranked by driving. */
const MAX_WEIGHED_SLOTS = 400

/** The longest range one availability request may cover, in days. */
export const MAX_AVAILABILITY_DAYS = 31

/** A free period long enough for the requested work. */
export type { Slot } from './free-time.js'

/**
 * Free slots of one technician: every start on the step grid of each opening period (counted in real minutes from the
 * period's wall-clock start, so a day when clocks change keeps its true length) where the whole duration fits inside
 * one of its free stretches: after notBefore, and clear of every busy interval.
 */
export function freeSlots(args: {
  dates: string[]
  hours: BusinessHours
  timeZone: string
  durationMinutes: number
  stepMinutes: number
  busy: ReadonlyArray<Slot>
  notBefore: Date
  max: number
  /** Keeps only the starts it accepts (a part of the day, a page's position). */
  keep?: (start: Date) => boolean
}): { slots: Slot[]; truncated: boolean } {
  const slots: Slot[] = []
  const duration = args.durationMinutes * 60_000
  const step = args.stepMinutes * 60_000
  for (const stretch of freeStretches(args)) {
    const open = stretch.open.getTime()
    const first = open + Math.ceil((stretch.start.getTime() - open) / step) * step
    for (let t = first; t + duration <= stretch.end.getTime(); t += step) {
      if (args.keep && !args.keep(new Date(t))) continue
      if (slots.length === args.max) return { slots, truncated: true }
      slots.push({ start: new Date(t), end: new Date(t + duration) })
    }
  }
  return { slots, truncated: false }
}

/** A customer's scheduling preferences, or null when they have none; NOT_FOUND naming contact_id when there is no such customer. */
async function customerPreferences(tx: Queryable, contactId: string): Promise<SchedulingPreferences | null> {
  const r = await tx.query<{ preferences: unknown }>('select preferences from contacts where id = $1', [contactId])
  if (!r.rows[0])
    throw new AppError('NOT_FOUND', `contact_id: no contact with id ${contactId}`, {
      field: 'contact_id',
      entity: 'contact',
      id: contactId,
    })
  return schedulingPreferences(r.rows[0].preferences)
}

/** A day or range filter as given: a date, a day word or a week word, read in run once the business's date is known. */
const dayWords = z.string().trim().min(1).max(40)

/** Free times for a visit across the team, earliest first, one short line each, in the business time zone. */
export const availabilityQuery = defineQuery({
  type: 'availability',
  phrases: [
    'when is a technician free',
    'open times this week',
    'free slots for a job',
    'free time',
    'open slots',
    'when can',
    'calendar',
    'schedule',
    'morning',
    'afternoon',
    'evening',
  ],
  description:
    'Free times for a visit, earliest first across the team, one item per start: slot ("Tue 2026-12-01 09:00–10:30 Sam": ' +
    'day, start–end in the business time zone, who), start (wall clock with offset) and technician_id, as schedule_appointment ' +
    '(date, time, technician) and slot_offer.send (slots [{start, technician_id}]) take them. limit: how many (default 5; ' +
    `next_cursor for more). from/to: default today to 6 days later, at most ${MAX_AVAILABILITY_DAYS} days. service (name or id): its ` +
    'length decides which gaps fit, else duration_minutes (default 60). Inside business hours, clear of booked visits and ' +
    'Google busy times, never in the past; starts step_minutes apart (default 30); technicians (a business without any: its ' +
    "owners). contact_id: each time says preferred true|false by the customer's preferred days and time of day. " +
    "include=technician adds the whole name; by id (a team member's) their first free time. rank=driving (with contact_id or " +
    "address_id): the times beside the customer's neighbours first, each with extra_meters it adds to the day.",
  access: { agent: 'unrestricted', technician: 'none' },
  defaultLimit: 5,
  include: ['technician'],
  params: z.object({
    from: dayWords
      .optional()
      .describe(
        'First day: YYYY-MM-DD, a day word (today, friday, next tuesday), or "this week" / "next week" (to its Sunday unless to is given)',
      ),
    to: dayWords.optional().describe('Last day, inclusive: YYYY-MM-DD or a day word'),
    part_of_day: z.enum(PARTS_OF_DAY).optional().describe(PARTS_OF_DAY_HELP),
    technician: z.string().trim().min(1).max(200).optional().describe('One team member: id or name'),
    service: z.string().trim().min(1).max(200).optional().describe('A catalog service: name or id'),
    duration_minutes: z.coerce.number().int().min(5).max(720).optional().describe("Length in minutes (default: the service's, else 60)"),
    step_minutes: z.coerce.number().int().min(5).max(240).optional().describe('Minutes between possible starts (default 30)'),
    contact_id: z.uuid().optional().describe('The customer: marks the times on their preferred days and time of day'),
    address_id: z.uuid().optional().describe("Where the visit would be, for rank=driving (default: the customer's first address)"),
    rank: z
      .enum(['time', 'driving'])
      .optional()
      .describe(
        "time (default): earliest first. driving: the times that add least driving to the technician's day first (beside the " +
          "customer's neighbours), each saying how much; the best `limit` of the whole range, without a next page",
      ),
    spread: z
      .enum(['days'])
      .optional()
      .describe(
        'days: `limit` times to offer a customer ("three times next week") spread out, in time order, without a next page: ' +
          'each on a different day (the earliest free time of each, or with rank=driving its best), then, when the days run ' +
          'out, other parts of those days (morning/afternoon/evening) before two in one part. Default: every start in order',
      ),
  }),
  record: z.object({
    slot: z.string(),
    start: timestamp,
    technician_id: z.uuid(),
    preferred: z.boolean().optional(),
    technician: z.string().optional(),
    busy_unknown: z
      .string()
      .optional()
      .describe(
        "Why this technician's busy time outside visits is not known now (their Google calendar needs reconnecting), so this time may not be free; left out when it is known",
      ),
    extra_meters: z
      .number()
      .int()
      .nullable()
      .optional()
      .describe('rank=driving: meters the visit adds to the day, in straight lines between points; null without points'),
  }),
  async run(ctx, req) {
    const p = req.params
    const settings = await loadTenantSettings(ctx.db)
    const tz = settings.timezone
    const now = ctx.services.now()
    const { from, to } = dateRange(p, localDate(now, tz))
    const dates: string[] = []
    for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d)
    const team = await activeTeam(ctx.db)
    // By id, a team member's own first free time, as before free times were listed one a line.
    const one = req.id ?? p.technician
    const listed = one ? [namedMember(team, one, req.id ? 'id' : 'technician')] : bookable(team)
    const service = p.service ? await serviceOf(ctx.db, p.service, 'service') : null
    const minutes = p.duration_minutes ?? (service?.default_duration_minutes || 60)
    const prefs = p.contact_id ? await customerPreferences(ctx.db, p.contact_id) : null
    const byDriving = p.rank === 'driving'
    const place = byDriving ? await placeOfCustomer(ctx.db, p.contact_id, p.address_id) : null
    if (byDriving && !place) {
      throw validationError([
        {
          field: p.address_id ? 'address_id' : 'contact_id',
          message: 'rank=driving needs where the visit would be: a customer with an address, or address_id',
        },
      ])
    }
    const spread = p.spread === 'days'
    // Ranked by driving or spread out, the answer is the whole choice of the range, without pages.
    const paged = !byDriving && !spread
    const after = req.cursor && paged ? cursorOf(req.cursor) : null
    const windowStart = zonedInstant(from, '00:00', tz)
    const windowEnd = zonedInstant(addDays(to, 1), '00:00', tz)
    const ids = listed.map((u) => u.id)
    // Busy time a capability reports (a person's own Google calendar) blocks them like a visit.
    const busyOf = await busyOfTeam(ctx.db, ids, windowStart, windowEnd)
    const found: Array<{ slot: Slot; member: TeamMember }> = []
    for (const member of listed) {
      const busy = busyOf.get(member.id) ?? []
      const afterCursor = (t: Date) =>
        !after || t > after.start || (t.getTime() === after.start.getTime() && [member.sort, member.id] > [after.sort, after.id])
      const { slots } = freeSlots({
        dates,
        hours: settings.business_hours,
        timeZone: tz,
        durationMinutes: minutes,
        stepMinutes: p.step_minutes ?? 30,
        busy,
        notBefore: after && after.start > now ? after.start : now,
        // The page needs no more than limit + 1 from anyone: the rest come after them in every merged order. Ranked by
        // driving, the whole range is weighed (up to a bound) and its best answered; spread out, every day of it is seen.
        max: byDriving ? MAX_WEIGHED_SLOTS : paged ? req.limit + 1 : Number.POSITIVE_INFINITY,
        keep: (t) => afterCursor(t) && (!p.part_of_day || inPartOfDay(localTime(t, tz), p.part_of_day)),
      })
      for (const slot of slots) found.push({ slot, member })
    }
    const doubts = await busyDoubtsOf(ctx.db, ids)
    const ranked: Weighed[] = byDriving
      ? await weighedByDriving(ctx.db, found, place as Place, ids, { windowStart, windowEnd, tz })
      : found.sort((a, b) => a.slot.start.getTime() - b.slot.start.getTime() || teamOrder(a.member, b.member))
    const kept = spread
      ? spreadChoices(
          ranked.map((w) => ({
            ...w,
            start: w.slot.start,
            day: localDate(w.slot.start, tz),
            part: partOfDayAt(localTime(w.slot.start, tz)),
          })),
          req.limit,
        )
      : ranked.slice(0, req.limit)
    const last = kept.at(-1)
    const items = kept.map(({ slot, member, driving }) => {
      const line = slotLine(slot.start, slot.end, bookingName(member, team), tz)
      return {
        slot: driving ? `${line} · ${driving.words}` : line,
        start: localStamp(slot.start, tz),
        technician_id: member.id,
        ...(driving ? { extra_meters: driving.extra_meters } : {}),
        ...(prefs ? { preferred: fitsPreferences(localDate(slot.start, tz), localTime(slot.start, tz), prefs) } : {}),
        ...(req.include.has('technician') ? { technician: member.name } : {}),
      }
    })
    return withDoubts(
      {
        items,
        next_cursor:
          paged && found.length > req.limit && last
            ? encodeCursor([last.slot.start.toISOString(), last.member.sort, last.member.id])
            : null,
      },
      doubts,
    )
  },
})

/** Each free time of a technician whose busy time outside visits is not known now, with why (busy_unknown). */
function withDoubts<T extends { technician_id: string }>(
  page: { items: T[]; next_cursor: string | null },
  doubts: Map<string, string>,
): { items: Array<T & { busy_unknown?: string }>; next_cursor: string | null } {
  if (!doubts.size) return page
  return { ...page, items: page.items.map((i) => (doubts.has(i.technician_id) ? { ...i, busy_unknown: doubts.get(i.technician_id) } : i)) }
}

/** A free time of one team member, and what it adds to their driving when ranked by it. */
interface Weighed {
  slot: Slot
  member: TeamMember
  driving?: SlotDriving
}

/** The team's order: by name, then id. */
function teamOrder(a: TeamMember, b: TeamMember): number {
  return a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : a.id < b.id ? -1 : 1
}

/** The one active team member an id or a name means; an unknown id is NOT_FOUND, an unknown or shared name VALIDATION_ERROR. */
function namedMember(team: TeamMember[], ref: string, field: string): TeamMember {
  const id = isUuid(ref) ? ref.toLowerCase() : technicianNamed(team, ref, field)
  const member = team.find((u) => u.id === id)
  if (!member) throw new AppError('NOT_FOUND', `${field}: no team member with id ${ref}`, { field, entity: 'user', id: ref })
  return member
}

/** The first and last day asked for, from dates or words read on the business's today; a bad or too long range names its field. */
function dateRange(p: { from?: string; to?: string }, today: string): { from: string; to: string } {
  const range = p.from === undefined ? { from: today, to: null } : rangeFromWords(p.from, today)
  if (!range) throw validationError([{ field: 'from', message: `"${p.from}" is not a date YYYY-MM-DD, a day word or this/next week` }])
  const from = range.from
  const given = p.to === undefined ? null : dayFromWords(p.to, today)
  if (p.to !== undefined && !given) throw validationError([{ field: 'to', message: `"${p.to}" is not a date YYYY-MM-DD or a day word` }])
  // A week word is that week; a day starts a week-long window.
  const to = given ?? range.to ?? addDays(from, 6)
  if (to < from) throw validationError([{ field: 'to', message: `${to} is before from ${from}` }])
  if (addDays(from, MAX_AVAILABILITY_DAYS - 1) < to) {
    throw validationError([
      {
        field: 'to',
        message: `covers more than ${MAX_AVAILABILITY_DAYS} days from ${from}; ask for at most ${MAX_AVAILABILITY_DAYS} days at a time (to <= ${addDays(from, MAX_AVAILABILITY_DAYS - 1)})`,
      },
    ])
  }
  return { from, to }
}

/** Where the previous page ended: the start of its last time and who it was with. */
function cursorOf(cursor: string): { start: Date; sort: string; id: string } {
  const [start, sort, id] = decodeCursor(cursor, ['timestamptz', 'text', 'uuid']) as [string, string, string]
  return { start: new Date(start), sort, id }
}

/** The free times that add least driving first (then the earliest, then the team's order), each with what it adds. */
async function weighedByDriving(
  db: Queryable,
  found: Array<{ slot: Slot; member: TeamMember }>,
  place: Place,
  ids: string[],
  at: { windowStart: Date; windowEnd: Date; tz: string },
): Promise<Weighed[]> {
  const visits = await placedVisits(db, ids, at.windowStart, at.windowEnd)
  const starts = await startsOf(db, ids)
  const weighed = found.map(({ slot, member }) => {
    const day = localDate(slot.start, at.tz)
    const sameDay = visits.filter((v) => v.user_id === member.id && localDate(new Date(v.scheduled_start), at.tz) === day)
    return { slot, member, driving: slotDriving(place, slot, sameDay, starts.get(member.id) ?? null) }
  })
  return weighed.sort(
    (a, b) => a.driving.rank - b.driving.rank || a.slot.start.getTime() - b.slot.start.getTime() || teamOrder(a.member, b.member),
  )
}
