import { z } from 'zod'
import { AppError, validationError } from '../../errors.js'
import { afterCursor, pageOf } from '../../pagination.js'
import { defineQuery } from '../../registry.js'
import { addDays, localDate, localTime, WEEKDAYS, weekdayOf, zonedInstant } from '../../time.js'
import { loadTenantSettings, type BusinessHours } from '../settings/model.js'
import { busyBlocksOf } from '../google/calendar-in/busy-blocks.js'
import { ACTIVE_STATUSES } from './model.js'
import { isoDate } from '../../schema-types.js'
import type { Queryable } from '../../db/types.js'
import { fitsPreferences, schedulingPreferences, type SchedulingPreferences } from '../contacts/scheduling-preferences.js'
import { timestamp } from '../../output-types.js'

/** The longest range one availability request may cover, in days. */
export const MAX_AVAILABILITY_DAYS = 31
/** The most slots listed per technician; a longer list is cut and marked truncated. */
export const MAX_SLOTS_PER_TECHNICIAN = 500

/** A free period long enough for the requested work. */
export interface Slot {
  start: Date
  end: Date
}

/**
 * Free slots of one technician: every start on the step grid of each opening period (counted in real minutes from the
 * period's wall-clock start, so a day when clocks change keeps its true length) where the whole duration fits inside
 * the period, after notBefore, and clear of every busy interval.
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
}): { slots: Slot[]; truncated: boolean } {
  const slots: Slot[] = []
  const duration = args.durationMinutes * 60_000
  const step = args.stepMinutes * 60_000
  for (const date of args.dates) {
    for (const [open, close] of args.hours[weekdayOf(date)] ?? []) {
      const periodEnd = zonedInstant(date, close, args.timeZone).getTime()
      for (let t = zonedInstant(date, open, args.timeZone).getTime(); t + duration <= periodEnd; t += step) {
        if (t < args.notBefore.getTime()) continue
        const end = t + duration
        if (args.busy.some((b) => b.start.getTime() < end && b.end.getTime() > t)) continue
        if (slots.length === args.max) return { slots, truncated: true }
        slots.push({ start: new Date(t), end: new Date(end) })
      }
    }
  }
  return { slots, truncated: false }
}

/** Wall-clock time with its UTC offset, e.g. 2026-11-01T01:00-05:00. */
export function localStamp(instant: Date, timeZone: string): string {
  const date = localDate(instant, timeZone)
  const time = localTime(instant, timeZone)
  const offset = Math.round((Date.parse(`${date}T${time}:00Z`) - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000)
  const abs = Math.abs(offset)
  return `${date}T${time}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
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

/** Free time per technician for a job of a given length, inside business hours, in the business time zone. */
export const availabilityQuery = defineQuery({
  type: 'availability',
  phrases: ['when is a technician free', 'open times this week', 'free slots for a job'],
  description:
    'Free slots for a job of duration_minutes (default 60) per technician, from one date to another (YYYY-MM-DD, inclusive, ' +
    `business time zone; default today to 6 days later; at most ${MAX_AVAILABILITY_DAYS} days), inside business hours and clear of ` +
    'their scheduled, confirmed and in-progress tickets, never in the past. Starts are step_minutes apart (default 30). ' +
    'technician_id (or id) narrows to one team member; otherwise every technician (a business without technicians lists its owners). ' +
    `Each item: technician_id, name, slots [{start, end (UTC ISO), local_start, local_end (wall clock with offset)}], truncated (over ${MAX_SLOTS_PER_TECHNICIAN} slots). ` +
    'contact_id: the customer the job is for; when their preferences name days or a time of day (morning: start before 12:00, ' +
    'afternoon: from 12:00), each slot also says preferred true|false and each item repeats the preferences.',
  keywords: ['free time', 'open slots', 'when can', 'calendar', 'schedule'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    duration_minutes: z.coerce.number().int().min(5).max(720).optional().describe('Length of the job in minutes (default 60)'),
    from: isoDate().optional().describe('First day, YYYY-MM-DD (default today)'),
    to: isoDate().optional().describe('Last day, inclusive, YYYY-MM-DD (default from + 6 days)'),
    technician_id: z.uuid().optional(),
    step_minutes: z.coerce.number().int().min(5).max(240).optional().describe('Minutes between possible starts (default 30)'),
    contact_id: z.uuid().optional().describe('The customer: marks the slots on their preferred days and time of day'),
  }),
  record: z.object({
    technician_id: z.uuid(),
    name: z.string(),
    role: z.enum(['owner', 'technician']),
    slots: z.array(
      z.object({ start: timestamp, end: timestamp, local_start: z.string(), local_end: z.string(), preferred: z.boolean().optional() }),
    ),
    truncated: z.boolean(),
    preferences: z
      .object({ preferred_days: z.array(z.enum(WEEKDAYS)), time_of_day: z.enum(['morning', 'afternoon']).nullable() })
      .optional(),
  }),
  async run(ctx, req) {
    const p = req.params
    const settings = await loadTenantSettings(ctx.db)
    const tz = settings.timezone
    const now = ctx.services.now()
    const from = p.from ?? localDate(now, tz)
    const to = p.to ?? addDays(from, 6)
    if (to < from) throw validationError([{ field: 'to', message: `${to} is before from ${from}` }])
    const dates: string[] = []
    for (let d = from; d <= to && dates.length <= MAX_AVAILABILITY_DAYS; d = addDays(d, 1)) dates.push(d)
    if (dates.length > MAX_AVAILABILITY_DAYS) {
      throw validationError([
        {
          field: 'to',
          message: `covers more than ${MAX_AVAILABILITY_DAYS} days from ${from}; ask for at most ${MAX_AVAILABILITY_DAYS} days at a time (to <= ${addDays(from, MAX_AVAILABILITY_DAYS - 1)})`,
        },
      ])
    }
    const prefs = p.contact_id ? await customerPreferences(ctx.db, p.contact_id) : null
    const one = req.id ?? p.technician_id ?? null
    const args: unknown[] = [one]
    const after = afterCursor(args, req.cursor, 'and (lower(name), id) >', ['text', 'uuid'])
    args.push(req.limit + 1)
    const team = await ctx.db.query<{ id: string; name: string; role: string; _sort_name: string }>(
      // A person added by email alone (the first owner, say) has no name yet: their email stands in for it.
      `select id, coalesce(nullif(name, ''), email) as name, role, lower(name) as _sort_name from users
       where deactivated_at is null
         and case when $1::uuid is not null then id = $1
                  when exists (select 1 from users where role = 'technician' and deactivated_at is null) then role = 'technician'
                  else role = 'owner' end
         ${after}
       order by lower(name), id limit $${args.length}`,
      args,
    )
    if (p.technician_id && !req.cursor && !team.rows.length) {
      throw new AppError('NOT_FOUND', `technician_id: no team member with id ${p.technician_id}`, {
        field: 'technician_id',
        entity: 'user',
        id: p.technician_id,
      })
    }
    const windowStart = zonedInstant(from, '00:00', tz)
    const windowEnd = zonedInstant(addDays(to, 1), '00:00', tz)
    const busy = await ctx.db.query<{ user_id: string; scheduled_start: Date; scheduled_end: Date }>(
      `select tt.user_id, t.scheduled_start, t.scheduled_end
       from ticket_technicians tt join tickets t on t.tenant_id = tt.tenant_id and t.id = tt.ticket_id
       where tt.user_id = any($1::uuid[]) and t.status = any($2::text[]) and t.scheduled_start < $4 and t.scheduled_end > $3`,
      [team.rows.map((u) => u.id), [...ACTIVE_STATUSES], windowStart, windowEnd],
    )
    // Busy times a person added in their own Google calendar block them like a visit.
    const blocks = await busyBlocksOf(
      ctx.db,
      team.rows.map((u) => u.id),
      windowStart,
      windowEnd,
    )
    const page = pageOf(team.rows, req.limit, (row) => [row._sort_name, row.id])
    for (const item of page.items) {
      const own = [
        ...busy.rows
          .filter((b) => b.user_id === item.id)
          .map((b) => ({ start: new Date(b.scheduled_start), end: new Date(b.scheduled_end) })),
        ...blocks.filter((b) => b.user_id === item.id).map((b) => ({ start: new Date(b.starts_at), end: new Date(b.ends_at) })),
      ]
      const { slots, truncated } = freeSlots({
        dates,
        hours: settings.business_hours,
        timeZone: tz,
        durationMinutes: p.duration_minutes ?? 60,
        stepMinutes: p.step_minutes ?? 30,
        busy: own,
        notBefore: now,
        max: MAX_SLOTS_PER_TECHNICIAN,
      })
      item.technician_id = item.id
      delete item.id
      item.slots = slots.map((s) => ({
        start: s.start.toISOString(),
        end: s.end.toISOString(),
        local_start: localStamp(s.start, tz),
        local_end: localStamp(s.end, tz),
        ...(prefs ? { preferred: fitsPreferences(localDate(s.start, tz), localTime(s.start, tz), prefs) } : {}),
      }))
      item.truncated = truncated
      if (prefs) item.preferences = prefs
    }
    return page
  },
})
