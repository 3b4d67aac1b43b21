import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { DAY_WORDS_HELP, dayFromWords, dayInput } from '../../text/day-words.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { dayRange, localDate, localTime, zonedInstant } from '../../vocabulary/time.js'
import { assertTemplateTexts } from '../messages/template-texts.js'
import { loadTenantSettings } from '../settings/model.js'
import { resolveTechnician, technicianRef } from '../users/technician-refs.js'
import { lockTicket, TICKET_COLUMNS, prefixed, wallClock, type TicketRow } from './model.js'
import { moveVisit } from './move.js'

/** One visit of the day as the answer lists it. */
const DAY_VISIT = z.object({
  ticket_id: z.uuid(),
  number: z.number().int(),
  contact_name: z.string(),
  from: timestamp,
  to: timestamp,
  when: z.string().describe('The new time as people of the business read it, e.g. "Tue 2026-12-01 09:00"'),
  technicians: z.array(z.string()),
  customer_told: z
    .boolean()
    .describe("Whether an email saying the visit moved was queued (false: no email address, or the time didn't change)"),
})

/** A visit of the day left where it is, and why. */
const LEFT_VISIT = z.object({ ticket_id: z.uuid(), number: z.number().int(), contact_name: z.string(), reason: z.string() })

/** A technician's whole day moved in one call: to another day, to another technician, or both (a sick day). */
export const moveTechnicianDay = defineAction({
  key: 'ticket.move_day',
  example: { technician_id: 'Sam', date: 'today', to_date: 'today', to_technician_id: 'Dave' },
  phrases: [
    'a technician is sick and cannot work today',
    "move all of a technician's visits to another day",
    'give his jobs to another technician',
    'push the whole day back',
    'out sick, reschedule his appointments',
    'sick day',
    'technician sick',
    'day off',
    'move all visits',
    'reschedule the day',
    'cover for',
    'swap technician',
  ],
  title: "Move a technician's day",
  place: page('/team', "pick the team member, then Move a day's visits"),
  words: { phrase: "move a technician's day" },
  description:
    "A technician's sick day in one call: every visit of theirs on `date` that has not started (scheduled or confirmed) " +
    'moves to to_date at the same time of day and length, and to to_technician_id in their place when given (the others on a ' +
    'visit stay). Whoever does each visit must be free at its new time: a clash is a CONFLICT listing every visit that cannot ' +
    'move, and then none moves. Each customer whose visit changes day or time gets an email saying it moved from when to ' +
    "when (message: a few words for it, e.g. 'Our technician is unwell.'), asking them to confirm the new time; their " +
    'earlier confirmation, follow-ups and reminder are replaced. Visits under way stay and are listed in not_moved.',
  // It emails every customer of the day: an agent's call waits for the owner.
  access: { agent: 'requires_authorization', technician: 'none', customerText: { reviewed: ['message'] } },
  input: z.strictObject({
    technician_id: technicianRef.describe('Whose day: their user id or name'),
    date: dayInput().meta({ format: 'date' }).describe(`The day to move: ${DAY_WORDS_HELP}`),
    to_date: dayInput()
      .meta({ format: 'date' })
      .describe('The day the visits move to, each at its own time of day (the same day to hand them to to_technician_id)'),
    to_technician_id: technicianRef.optional().describe('Who does the visits instead (user id or name); left out: the same technician'),
    message: noteText(1000).optional().describe("A few words for each customer's email, e.g. 'Our technician is unwell.'"),
  }),
  output: z.object({
    technician: z.object({ id: z.uuid(), name: z.string() }),
    date: z.string(),
    to_date: z.string(),
    to_technician: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    moved: z.array(DAY_VISIT),
    not_moved: z.array(LEFT_VISIT),
  }),
  async run(ctx, input) {
    assertTemplateTexts({ 'data.message': input.message })
    const settings = await loadTenantSettings(ctx.db)
    const tz = settings.timezone
    const today = localDate(ctx.services.now(), tz)
    const date = dayFromWords(input.date, today) as string
    const toDate = dayFromWords(input.to_date, today) as string
    const who = await resolveTechnician(ctx.db, input.technician_id, 'data.technician_id')
    const cover =
      input.to_technician_id === undefined ? null : await resolveTechnician(ctx.db, input.to_technician_id, 'data.to_technician_id')
    checkRequest({ date, toDate, today, who, cover })
    const visits = await dayVisits(ctx, who.id, date, tz)
    const moved: Array<z.infer<typeof DAY_VISIT>> = []
    const clashes: string[] = []
    for (const visit of visits.filter((v) => v.status !== 'in_progress')) {
      const ticket = await lockTicket(ctx.db, visit.id)
      const start = zonedInstant(toDate, localTime(new Date(ticket.scheduled_start), tz), tz)
      const end = new Date(start.getTime() + (new Date(ticket.scheduled_end).getTime() - new Date(ticket.scheduled_start).getTime()))
      const technicianIds = cover ? [...new Set(visit.technician_ids.map((id) => (id === who.id ? cover.id : id)))] : undefined
      try {
        const done = await moveVisit(ctx, ticket, { start, end, technicianIds, tellCustomer: true, note: input.message }, 'move_day')
        moved.push(
          dayVisit(
            done.ticket,
            visit,
            start,
            tz,
            done.emails.some((m) => m.kind === 'moved'),
          ),
        )
      } catch (err) {
        // Every clash is gathered so one answer says all that stands in the way; the error below undoes the moves made.
        if (!(err instanceof AppError) || err.code !== 'CONFLICT') throw err
        clashes.push(`#${ticket.number} (${visit.contact_name}): ${err.message}`)
      }
    }
    if (clashes.length) {
      throw new AppError(
        'CONFLICT',
        `${clashes.length} of ${moved.length + clashes.length} visits cannot move, so none was moved: ${clashes.join(' | ')}`,
        { reason: 'double_booking', visits: clashes },
      )
    }
    return {
      technician: { id: who.id, name: who.name },
      date,
      to_date: toDate,
      to_technician: cover ? { id: cover.id, name: cover.name } : null,
      moved,
      not_moved: visits
        .filter((v) => v.status === 'in_progress')
        .map((v) => ({
          ticket_id: v.id,
          number: v.number,
          contact_name: v.contact_name,
          reason: 'under way (someone clocked in): finish it, or move it by itself with ticket.reschedule',
        })),
    }
  },
})

/** Refuses a move that changes nothing, goes into the past, or hands the visits to someone who no longer works. */
function checkRequest(r: {
  date: string
  toDate: string
  today: string
  who: { id: string }
  cover: { id: string; name: string; deactivated: boolean } | null
}): void {
  if (r.cover?.deactivated) {
    throw validationError([{ field: 'data.to_technician_id', message: `${r.cover.name} was deactivated and can no longer be given work` }])
  }
  if (r.toDate < r.today) throw validationError([{ field: 'data.to_date', message: `${r.toDate} is in the past (today is ${r.today})` }])
  if (r.toDate === r.date && (!r.cover || r.cover.id === r.who.id)) {
    throw validationError([{ field: 'data', message: 'give another to_date, a to_technician_id who is someone else, or both' }])
  }
}

/** A technician's visits on a day that can still move or are under way, in time order, locked. */
async function dayVisits(ctx: OperationContext, technicianId: string, date: string, tz: string) {
  const { start, end } = dayRange(date, tz)
  const r = await ctx.db.query<TicketRow & { contact_name: string; technician_ids: string[] }>(
    `select ${prefixed(TICKET_COLUMNS, 't')}, c.display_name as contact_name,
            array(select tt2.user_id::text from ticket_technicians tt2 where tt2.ticket_id = t.id order by tt2.user_id) as technician_ids
     from tickets t
     join ticket_technicians tt on tt.tenant_id = t.tenant_id and tt.ticket_id = t.id and tt.user_id = $1
     join contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
     where t.status in ('scheduled', 'confirmed', 'in_progress') and t.scheduled_start >= $2 and t.scheduled_start < $3
     order by t.scheduled_start, t.number`,
    [technicianId, start, end],
  )
  return r.rows
}

/** A moved visit as the answer lists it. */
function dayVisit(
  after: Record<string, unknown>,
  visit: { id: string; number: number; contact_name: string; scheduled_start: Date | string },
  start: Date,
  tz: string,
  told: boolean,
): z.infer<typeof DAY_VISIT> {
  return {
    ticket_id: visit.id,
    number: visit.number,
    contact_name: visit.contact_name,
    from: new Date(visit.scheduled_start).toISOString(),
    to: start.toISOString(),
    when: wallClock(start, tz),
    technicians: (after.technicians as Array<{ name: string; user_id: string }>).map((t) => t.name || t.user_id),
    customer_told: told,
  }
}
