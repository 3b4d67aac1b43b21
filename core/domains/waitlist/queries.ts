import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { notFound, validationError } from '../../kernel/errors.js'
import { type ListOrder, listPage, oldestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { localDate, localTime, weekdayOf, WEEKDAYS } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { homeBaseOf } from '../routes/day.js'
import { metersBetween } from '../routes/planner.js'
import { NOON } from '../../vocabulary/time.js'
import { WAITLIST_COLUMNS, WAITLIST_RECORD } from './model.js'
import { isoDate, isoInstant } from '../../kernel/schema-types.js'
import { auditTrailExpansion, calendarDay, timestamp } from '../../kernel/output-types.js'

/** The address an entry is matched by: its own, else the contact's first address still in use. */
const ENTRY_ADDRESS = `left join lateral (
    select a.id, a.line1, a.line2, a.city, a.state, a.postal_code, a.latitude, a.longitude from addresses a
    where case when w.address_id is not null then a.id = w.address_id else a.contact_id = w.contact_id and a.archived_at is null end
    order by a.created_at, a.id limit 1) a on true`

/** Waitlist entries by id, or first come first served, filtered by status, contact and service. */
export const waitlistQuery = defineQuery({
  type: 'waitlist',
  description:
    "Waitlist entries, oldest first, each with contact_name, place (the entry's address, else the customer's first: street, " +
    "town and ZIP; null without one) and meters_from_base (as the crow flies from the business's " +
    'home base; null without a home base or a point for the place). Filters: status (waiting|offered|scheduled|removed; ' +
    'default: all but removed), contact_id, service_id. To fill a gap in the schedule use schedule_openings or waitlist_candidates.',
  entity: 'waitlist_entry',
  phrases: ['wait list', 'waiting customers'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(['waiting', 'offered', 'scheduled', 'removed']).optional(),
    contact_id: z.uuid().optional(),
    service_id: z.uuid().optional(),
  }),
  record: WAITLIST_RECORD.extend({
    contact_name: z.string(),
    place: z.string().nullable().describe('Where the visit would be: "1 Elm St, Huntsville 35801"'),
    meters_from_base: z.number().int().nullable().describe("As the crow flies from the business's home base"),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const { status, contact_id, service_id } = req.params
    const args: unknown[] = [req.id ?? null, status ?? null, contact_id ?? null, service_id ?? null]
    const page = await listPage(ctx.db, req, oldestFirst('w'), args, {
      columns: `${WAITLIST_COLUMNS}, (select c.display_name from contacts c where c.id = w.contact_id) as contact_name, place,
        place_latitude, place_longitude`,
      from: `(select w.*, case when a.id is not null then concat_ws(', ', a.line1, nullif(concat_ws(' ', nullif(a.city, ''),
                nullif(a.postal_code, '')), '')) end as place, a.latitude as place_latitude, a.longitude as place_longitude
              from waitlist_entries w ${ENTRY_ADDRESS}) w`,
      where: `($1::uuid is null or w.id = $1)
         and (case when $2::text is null then ($1::uuid is not null or w.status <> 'removed') else w.status = $2 end)
         and ($3::uuid is null or w.contact_id = $3)
         and ($4::uuid is null or w.service_id = $4)`,
    })
    return { ...page, items: await withBaseDistance(ctx.db, page.items) }
  },
})

/** Each entry with meters_from_base in place of its place's point. */
async function withBaseDistance(db: Queryable, items: Array<Record<string, unknown>>): Promise<Array<Record<string, unknown>>> {
  const base = items.length ? await homeBaseOf(db) : null
  return items.map(({ place_latitude, place_longitude, ...entry }) => {
    const point =
      place_latitude === null || place_longitude === null ? null : { latitude: Number(place_latitude), longitude: Number(place_longitude) }
    return { ...entry, meters_from_base: base && point ? Math.round(metersBetween(base, point)) : null }
  })
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM such as 13:30')
const instant = isoInstant()

/** Nearest first: the same postal code, then the same city, then the rest; each in the order they joined the waitlist. */
const NEAREST_FIRST: ListOrder = { keys: ['x._rank', 'x.created_at', 'x.id'], types: ['int', 'timestamptz', 'uuid'] }

/** Waiting customers who could take a free slot, nearest first. */
export const waitlistCandidatesQuery = defineQuery({
  type: 'waitlist_candidates',
  phrases: ['who could take a cancelled slot', 'fill a gap in the schedule', 'fill a gap', 'cancellation', 'open slot', 'who can come'],
  description:
    'Who on the waitlist could take a free slot. The slot: date (YYYY-MM-DD, business time zone; default today) and a window, ' +
    'either start_time/end_time (HH:MM business time) or start_at/end_at (ISO 8601 instants); without a window the whole day. Returns ' +
    'waiting entries whose earliest_date..latest_date contains the date, whose preferred_days include its weekday (or are empty) and ' +
    'whose time_of_day fits the window (morning: the window starts before 12:00; afternoon: it ends after 12:00). Near: ' +
    'near_address_id, or postal_code and/or city; ranked same postal code first, then same city, then the rest (match says which), ' +
    "oldest entry first within each. Each has the contact's name, phone, email and the address matched (the entry's, else the " +
    "contact's first). For one entry's details and history use the waitlist data type.",
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    date: isoDate().optional(),
    start_time: hhmm.optional(),
    end_time: hhmm.optional(),
    start_at: instant.optional(),
    end_at: instant.optional(),
    near_address_id: z.uuid().optional(),
    postal_code: z.string().trim().min(3).max(20).optional(),
    city: z.string().trim().min(1).max(100).optional(),
  }),
  record: z.object({
    id: z.uuid(),
    contact_id: z.uuid(),
    contact_name: z.string(),
    contact_phone: z.string().nullable(),
    contact_email: z.string().nullable(),
    service_id: z.uuid().nullable(),
    service_name: z.string().nullable(),
    earliest_date: calendarDay,
    latest_date: calendarDay,
    preferred_days: z.array(z.enum(WEEKDAYS)),
    time_of_day: z.enum(['any', 'morning', 'afternoon']),
    notes: z.string().nullable(),
    address: z
      .object({
        id: z.uuid(),
        line1: z.string(),
        line2: z.string().nullable(),
        city: z.string(),
        state: z.string(),
        postal_code: z.string(),
      })
      .nullable(),
    created_at: timestamp,
    match: z.enum(['postal_code', 'city', 'other']),
  }),
  async run(ctx, req) {
    const p = req.params
    const settings = await loadTenantSettings(ctx.db)
    const slot = slotOf(p, settings.timezone, localDate(ctx.services.now(), settings.timezone))
    const near = await nearOf(ctx.db, p)
    const args: unknown[] = [
      req.id ?? null,
      slot.date,
      weekdayOf(slot.date),
      slot.start < NOON,
      slot.end > NOON,
      near.postal_code,
      near.city,
    ]
    return listPage(ctx.db, req, NEAREST_FIRST, args, {
      columns: `x.*, case x._rank when 0 then 'postal_code' when 1 then 'city' else 'other' end as match`,
      from: `(
         select w.id, w.contact_id, c.display_name as contact_name, c.phone as contact_phone, c.email as contact_email,
                w.service_id, s.name as service_name, w.earliest_date, w.latest_date, w.preferred_days, w.time_of_day, w.notes,
                case when a.id is null then null else jsonb_build_object('id', a.id, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
                  'state', a.state, 'postal_code', a.postal_code) end as address,
                w.created_at,
                case when $6::text is not null and left(a.postal_code, 5) = left($6, 5) then 0
                     when $7::text is not null and lower(a.city) = lower($7) then 1 else 2 end as _rank
         from waitlist_entries w
         join contacts c on c.id = w.contact_id
         left join services s on s.id = w.service_id
         ${ENTRY_ADDRESS}
         where w.status = 'waiting' and ($1::uuid is null or w.id = $1)
           and w.earliest_date <= $2::date and w.latest_date >= $2::date
           and (cardinality(w.preferred_days) = 0 or $3::text = any(w.preferred_days))
           and (w.time_of_day = 'any' or (w.time_of_day = 'morning' and $4::boolean) or (w.time_of_day = 'afternoon' and $5::boolean))
       ) x`,
    })
  },
})

/** The slot asked about, in the business's wall-clock time: a date and a [start, end) window, "24:00" meaning midnight after. */
function slotOf(
  p: { date?: string; start_time?: string; end_time?: string; start_at?: string; end_at?: string },
  timeZone: string,
  today: string,
) {
  if ((p.start_time || p.end_time) && (p.start_at || p.end_at)) {
    throw validationError([
      { field: p.start_at ? 'start_at' : 'end_at', message: 'give the window as start_time/end_time or as start_at/end_at, not both' },
    ])
  }
  let date = p.date ?? today
  let start = p.start_time ?? '00:00'
  let end = p.end_time ?? '24:00'
  if (p.start_at || p.end_at) {
    const startAt = p.start_at ? new Date(p.start_at) : undefined
    const endAt = p.end_at ? new Date(p.end_at) : undefined
    const dated = localDate((startAt ?? endAt) as Date, timeZone)
    if (p.date && p.date !== dated) {
      throw validationError([
        { field: 'date', message: `is ${p.date} but the window falls on ${dated} in the business time zone ${timeZone}` },
      ])
    }
    date = dated
    if (startAt) start = localDate(startAt, timeZone) === date ? localTime(startAt, timeZone) : '00:00'
    if (endAt) {
      if (startAt && endAt <= startAt) throw validationError([{ field: 'end_at', message: 'must be after start_at' }])
      end = localDate(endAt, timeZone) === date ? localTime(endAt, timeZone) : '24:00'
    }
  }
  if (end <= start) throw validationError([{ field: p.end_at ? 'end_at' : 'end_time', message: `must be after the start ${start}` }])
  return { date, start, end }
}

/** Where the slot is: a stored address's postal code and city, or the ones given. */
async function nearOf(tx: Queryable, p: { near_address_id?: string; postal_code?: string; city?: string }) {
  if (!p.near_address_id) return { postal_code: p.postal_code ?? null, city: p.city ?? null }
  if (p.postal_code || p.city) {
    throw validationError([{ field: 'near_address_id', message: 'give near_address_id or postal_code/city, not both' }])
  }
  const r = await tx.query<{ postal_code: string; city: string }>('select postal_code, city from addresses where id = $1', [
    p.near_address_id,
  ])
  if (!r.rows[0]) throw notFound('address', p.near_address_id)
  return r.rows[0]
}
