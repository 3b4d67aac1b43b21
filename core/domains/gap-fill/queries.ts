import { z } from 'zod'
import { notFound } from '../../errors.js'
import type { Queryable } from '../../db/types.js'
import { auditTrailExpansion, timestamp } from '../../output-types.js'
import { defineQuery } from '../../registry.js'
import { clockTime, whenText } from '../../date-words.js'
import { loadTenantSettings } from '../settings/model.js'
import { candidatesFor, GAP_DAYS_AHEAD, type Opening, openingsAhead, type WaitingEntry, waitingEntries } from './gaps.js'
import { localDate } from '../../time.js'

/** One waitlisted customer who could take an opening, with the slot_offer.send call that offers it to them. */
const GAP_CANDIDATE = z.object({
  waitlist_entry_id: z.uuid(),
  contact_id: z.uuid(),
  contact_name: z.string(),
  meters: z.number().int().nullable().describe("From the nearest of the technician's visits around the opening; null without points"),
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

/** An opening as schedule_gaps answers it. */
export const SCHEDULE_GAP = z.object({
  id: z.uuid(),
  ticket_id: z.uuid().describe('The visit whose cancel, no-show or move left the time free'),
  ticket_number: z.number().int(),
  technician_id: z.uuid(),
  technician_name: z.string(),
  starts_at: timestamp,
  ends_at: timestamp,
  slot: z.string().describe('"Thursday, December 3, 2026 at 10:00 AM–11:30 AM, Sam", in the business time zone'),
  reason: z.enum(['cancelled', 'no_show', 'moved']),
  offered_to: z.array(z.string()).describe('Customers this time is already offered to, by open offers'),
  candidates: z.array(GAP_CANDIDATE),
})

/** Times left free by a cancel, a no-show or a move, and the waitlisted customers near them who could take them. */
export const scheduleGapsQuery = defineQuery({
  type: 'schedule_gaps',
  phrases: ['fill a cancelled slot', 'who on the waitlist could take the opening', 'gaps in the schedule'],
  description:
    `Times in the next ${GAP_DAYS_AHEAD} days that a cancel, a no-show or a move left free and that are still free (no visit or busy ` +
    "time since), earliest first, each with the waitlisted customers who could take it: the entry's dates, days and time of day " +
    "fit, the visit's length fits, and they live within the owner's distance (schedule_gap.set_distance; default 8 km) of " +
    "the technician's visits around it (its own visit's house included); without points, in the ZIP code of one of them. " +
    'Nearest first, then the longest waiting; each with the slot_offer.send data that offers them the time (the first to ' +
    'pick books it, the others are told it went). schedule_gap.dismiss hides one.',
  entity: 'schedule_opening',
  keywords: ['waitlist', 'cancellation', 'opening', 'fill the gap', 'free slot'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    candidates: z.coerce.number().int().min(0).max(10).optional().describe('Candidates per opening (default 3)'),
  }),
  record: SCHEDULE_GAP.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const settings = await loadTenantSettings(ctx.db)
    const within = await gapDistance(ctx.db)
    const openings = (await openingsAhead(ctx.db, ctx.services.now(), req.id)).slice(0, req.limit)
    const most = req.params.candidates ?? 3
    const days = openings.map((o) => localDate(new Date(o.starts_at), settings.timezone))
    const entries = openings.length && most ? await waitingEntries(ctx.db, days[0], days[days.length - 1]) : []
    const items = []
    for (const o of openings) items.push(await gapOf(ctx.db, o, entries, settings.timezone, within, most))
    return { items, next_cursor: null }
  },
})

/** How far from the technician's visits a waitlisted customer may live to be offered an opening, in meters. */
export async function gapDistance(db: Queryable): Promise<number> {
  const r = await db.query<{ gap_fill_meters: number }>('select gap_fill_meters from tenants where id = app_tenant()')
  return r.rows[0]?.gap_fill_meters ?? 8000
}

/** An opening with its candidates and who it is already offered to. */
export async function gapOf(
  db: Queryable,
  o: Opening,
  entries: readonly WaitingEntry[],
  timeZone: string,
  within: number,
  most: number,
): Promise<z.infer<typeof SCHEDULE_GAP>> {
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
        ? { contact_id: c.contact_id, service_ids: c.service_ids, slots: [{ start, technician_id: o.user_id }] }
        : null,
    })),
  }
}

/** How near the technician's visits a waitlisted customer must live to be named for an opening. */
export const gapFillSettingsQuery = defineQuery({
  type: 'gap_fill_settings',
  phrases: ['how near must waitlist customers live'],
  description:
    "The distance from the technician's visits around an opening within which waitlisted customers are named for it (schedule_gap.set_distance changes it).",
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: z.object({ km: z.number() }),
  async run(ctx, req) {
    if (req.id) throw notFound('gap_fill_settings', req.id)
    return { items: [{ km: (await gapDistance(ctx.db)) / 1000 }], next_cursor: null }
  },
})
