import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { notFound, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { clockOfDay, isoDate } from '../../kernel/schema-types.js'
import { setClause } from '../../kernel/sql.js'
import { addDays, localDate, localTime, zonedInstant } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { checkAddress, loadTechnicians } from '../tickets/model.js'
import { loadServices, priceLine, type LineItemInput } from '../tickets/pricing.js'
import { generateVisits } from './generate.js'
import {
  assertNotEnded,
  auditedSeries,
  loadSeries,
  SERIES_GENERATED,
  SERIES_RECORD,
  seriesLineItems,
  type SeriesRow,
  seriesView,
  upcomingVisits,
} from './model.js'
import { normalizeRule, occurrenceDates, RULE_HELP } from './recurrence.js'
import { cancelVisit, rewriteVisit, type VisitChange } from './visits.js'
import { calendarDay } from '../../kernel/output-types.js'
import { BY_AGENT_OR_API, customer } from '../../vocabulary/places.js'
import { resolveTechnicians, technicianRefs } from '../users/technician-refs.js'

const timeOfDay = clockOfDay()
const minutes = z.number().int().min(5).max(1440)
const technicianIds = z.array(z.uuid()).max(10)
const seriesId = z.uuid().describe('The series')

/** Checks a visit's work once, as ticket.create would price it, and returns the minutes its lines take. */
async function checkWork(ctx: OperationContext, lines: LineItemInput[], field: string): Promise<number> {
  const services = await loadServices(
    ctx.db,
    lines.flatMap((l, i) => (l.service_id ? [{ id: l.service_id, field: `${field}.${i}.service_id` }] : [])),
  )
  return lines
    .map((l, i) => priceLine(l, l.service_id ? services.get(l.service_id) : undefined, `${field}.${i}`))
    .reduce((sum, l) => sum + (l.duration_minutes ?? 0), 0)
}

/** Starts a recurring appointment and books its visits up to the horizon. */
export const createSeries = defineAction({
  key: 'series.create',
  phrases: [
    'set up recurring visits',
    'come every two weeks',
    'monthly cleaning for a regular customer',
    'recurring',
    'repeat',
    'every two weeks',
    'monthly',
    'regular customer',
    'subscription',
    'season',
  ],
  title: 'Set up repeat visits',
  place: BY_AGENT_OR_API,
  description:
    'Start recurring appointments (a series) for a customer: rule is ' +
    RULE_HELP +
    '. start_date (YYYY-MM-DD, business ' +
    'time zone) is where the rule starts: the first visit is the first day from it the rule gives (start_date itself when the rule ' +
    'names no days; FREQ=WEEKLY then keeps its weekday). Every visit starts at start_time (HH:MM local), also across ' +
    "daylight-saving changes. duration_minutes (default: the line items' durations, else 60), technician_ids, line_items (as for " +
    'ticket.create) and notes are the template of each visit; ends_on (YYYY-MM-DD) is the first day with no more visits. Visits are ' +
    'real tickets booked 60 days ahead (reminder emails as for any booking; the visits booked at once share one confirmation ' +
    "email, the first visit's) and each names its series_id; a " +
    "technician already booked at a visit's time is left off that visit (listed in unassigned). Returns the series, its next " +
    'visits and the tickets booked.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { screened: ['line_items.description'] } },
  input: z.strictObject({
    contact_id: z.uuid(),
    address_id: z.uuid().optional().describe("Where the work is done: one of the contact's addresses"),
    rule: z.string().trim().min(6).max(500).describe(RULE_HELP),
    start_date: isoDate().describe('Day of the first visit, YYYY-MM-DD, business time zone'),
    start_time: timeOfDay.describe('Local start of every visit, HH:MM'),
    duration_minutes: minutes.optional(),
    technician_ids: technicianRefs.default([]),
    line_items: seriesLineItems.default([]),
    is_price_estimated: z.boolean().default(false),
    notes: noteText(5000, { allowEmpty: true }).optional(),
    ends_on: isoDate().optional().describe('First day without visits, YYYY-MM-DD; default: runs until ended'),
  }),
  output: SERIES_RECORD.extend(SERIES_GENERATED),
  shortAnswer: ['booked', 'unassigned'],
  async run(ctx, input) {
    const rule = normalizeRule(input.rule, 'data.rule')
    const settings = await loadTenantSettings(ctx.db)
    if (input.ends_on && input.ends_on <= input.start_date) {
      throw validationError([{ field: 'data.ends_on', message: `must be after start_date ${input.start_date}` }])
    }
    const contact = await ctx.db.query('select id from contacts where id = $1', [input.contact_id])
    if (!contact.rows[0]) throw notFound('contact', input.contact_id)
    if (input.address_id) await checkAddress(ctx.db, input.address_id, input.contact_id, 'data.address_id')
    const technicianIds = await resolveTechnicians(ctx.db, input.technician_ids, 'data.technician_ids')
    await loadTechnicians(ctx.db, technicianIds, 'data.technician_ids')
    const lineMinutes = await checkWork(ctx, input.line_items, 'data.line_items')
    const r = await ctx.db.query<{ id: string }>(
      `insert into series (tenant_id, contact_id, address_id, rule, start_date, start_time, time_zone, duration_minutes, technician_ids,
         line_items, is_price_estimated, notes, ends_on)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id`,
      [
        ctx.tenantId,
        input.contact_id,
        input.address_id ?? null,
        rule,
        input.start_date,
        input.start_time,
        settings.timezone,
        input.duration_minutes ?? (Math.min(1440, lineMinutes) || 60),
        technicianIds,
        JSON.stringify(input.line_items),
        input.is_price_estimated,
        input.notes ?? null,
        input.ends_on ?? null,
      ],
    )
    const id = r.rows[0].id
    await ctx.audit({ entityType: 'series', entityId: id, action: 'create', before: null, after: await loadSeries(ctx.db, id) })
    const generated = await generateVisits(ctx, id)
    return { ...(await showSeries(ctx, id)), booked: generated.created, unassigned: generated.unassigned }
  },
})

const updateSeriesInput = z.strictObject({
  series_id: seriesId,
  scope: z.enum(['this', 'this_and_future', 'all']),
  ticket_id: z.uuid().optional().describe('The visit the change starts at; required for scope this and this_and_future'),
  start_date: isoDate().optional().describe("scope this only: the visit's new day, YYYY-MM-DD"),
  start_time: timeOfDay.optional().describe('New local start, HH:MM'),
  duration_minutes: minutes.optional(),
  technician_ids: technicianIds.optional(),
  line_items: seriesLineItems.optional(),
  notes: noteText(5000, { allowEmpty: true }).nullable().optional().describe("scope this_and_future and all: the template's notes"),
})
type UpdateSeriesInput = z.output<typeof updateSeriesInput>

/** Changes one visit, this and the following ones, or the whole series. */
export const updateSeries = defineAction({
  key: 'series.update',
  title: 'Change repeat visits',
  place: customer('their recurring visits, then Move this visit, or Change from that visit on, or Change every visit'),
  description:
    "Change a series' visits. scope this: only the visit ticket_id (start_date + start_time move it to another day or time). " +
    'scope this_and_future: from the visit ticket_id on, the series is split there (the old one ends the day before; a new series ' +
    "with the changes continues, previous_series_id naming the old) and the later visits are changed. scope all: the series' " +
    'template and every visit still to come. Changes: start_time (HH:MM, local, every visit), duration_minutes, technician_ids ' +
    '(replaces the set), line_items (replaces the work: services and prices, as ticket.create), notes. Visits moved one by one keep ' +
    'their own time. A moved visit is rebooked like ticket.reschedule (the customer is asked to confirm again; a new duration alone ' +
    'asks nothing again). Returns the series ' +
    '(the new one after a split) with its next visits and the ids of the visits changed.',
  access: { agent: 'soft_limit', technician: 'none', customerText: { screened: ['line_items.description'] } },
  phrases: ['change recurring', 'change all future', 'change this one', 'move series', 'price change'],
  input: updateSeriesInput,
  output: SERIES_RECORD.extend({ changed_ticket_ids: z.array(z.uuid()) }),
  shortAnswer: ['changed_ticket_ids'],
  async run(ctx, input): Promise<Record<string, unknown>> {
    const series = await loadSeries(ctx.db, input.series_id, true)
    assertNotEnded(series, 'change')
    if (input.scope !== 'this' && input.start_date) {
      throw validationError([
        {
          field: 'data.start_date',
          message: 'moves one visit only: use it with scope this (a series keeps its days; change the rule with a new series)',
        },
      ])
    }
    if (input.scope === 'this' && input.notes !== undefined) {
      throw validationError([
        {
          field: 'data.notes',
          message: "changes the series template: use scope this_and_future or all (ticket.update changes one visit's notes)",
        },
      ])
    }
    const changes = ['start_date', 'start_time', 'duration_minutes', 'technician_ids', 'line_items', 'notes'] as const
    if (changes.every((k) => input[k] === undefined)) {
      throw validationError([{ field: 'data', message: `give at least one change: ${changes.join(', ')}` }])
    }
    if (input.technician_ids) await loadTechnicians(ctx.db, input.technician_ids, 'data.technician_ids')
    if (input.line_items) await checkWork(ctx, input.line_items, 'data.line_items')
    const visit = input.scope === 'all' ? null : await visitOf(ctx, series, input.ticket_id)
    if (input.scope === 'this') return changeOneVisit(ctx, series, visit!, input)
    const target = input.scope === 'all' ? series : await splitAt(ctx, series, visit!.series_occurrence)
    const { sets, values } = setClause({
      start_time: input.start_time,
      duration_minutes: input.duration_minutes,
      technician_ids: input.technician_ids,
      line_items: input.line_items === undefined ? undefined : JSON.stringify(input.line_items),
      notes: input.notes,
    })
    if (sets.length) await ctx.db.query(`update series set ${sets.join(', ')} where id = $${values.length + 1}`, [...values, target.id])
    const changed = await rewriteFuture(ctx, target, input)
    await generateVisits(ctx, target.id)
    return auditedSeries(ctx, target.id, input.scope === 'all' ? 'update' : 'update_from', target, { changed_ticket_ids: changed })
  },
})

/** The ticket of this series that a change names, or a clear error. */
async function visitOf(ctx: OperationContext, series: SeriesRow, ticketId: string | undefined) {
  if (!ticketId)
    throw validationError([
      { field: 'data.ticket_id', message: 'is required for scope this and this_and_future: the visit the change starts at' },
    ])
  const r = await ctx.db.query<{ id: string; series_id: string | null; series_occurrence: string | null; status: string; number: number }>(
    'select id, number, series_id, series_occurrence, status from tickets where id = $1',
    [ticketId],
  )
  const t = r.rows[0]
  if (!t) throw notFound('ticket', ticketId)
  if (t.series_id !== series.id || !t.series_occurrence) {
    throw validationError([{ field: 'data.ticket_id', message: `ticket #${t.number} is not a visit of series ${series.id}` }])
  }
  return t as typeof t & { series_occurrence: string }
}

/** scope this: the ticket alone changes; the series and its other visits stay as they are. */
async function changeOneVisit(
  ctx: OperationContext,
  series: SeriesRow,
  visit: { id: string; series_occurrence: string },
  input: UpdateSeriesInput,
): Promise<Record<string, unknown>> {
  const t = await ctx.db.query<{ scheduled_start: Date }>('select scheduled_start from tickets where id = $1', [visit.id])
  const current = new Date(t.rows[0].scheduled_start)
  const moved =
    input.start_date || input.start_time
      ? zonedInstant(
          input.start_date ?? localDate(current, series.time_zone),
          input.start_time ?? localTime(current, series.time_zone),
          series.time_zone,
        )
      : undefined
  if (moved && moved <= ctx.services.now()) throw validationError([{ field: 'data.start_date', message: 'the new time is in the past' }])
  await rewriteVisit(ctx, visit.id, {
    start: moved,
    duration_minutes: input.duration_minutes,
    technician_ids: input.technician_ids,
    line_items: input.line_items,
  })
  return auditedSeries(ctx, series.id, 'update_visit', null, { changed_ticket_ids: [visit.id] })
}

/**
 * Ends the series the day before the occurrence and starts a copy from it that carries its visits from that day on
 * (skipped ones too, so they stay skipped); the copy then takes the changes.
 */
async function splitAt(ctx: OperationContext, series: SeriesRow, occurrence: string): Promise<SeriesRow> {
  if (occurrence <= series.start_date) return series
  const r = await ctx.db.query<{ id: string }>(
    `insert into series (tenant_id, contact_id, address_id, rule, start_date, start_time, time_zone, duration_minutes, technician_ids,
       line_items, is_price_estimated, notes, status, paused_until, ends_on, skipped_dates, previous_series_id)
     select tenant_id, contact_id, address_id, rule, $2, start_time, time_zone, duration_minutes, technician_ids, line_items,
       is_price_estimated, notes, status, paused_until, ends_on, array(select d from unnest(skipped_dates) d where d >= $2), id
     from series where id = $1 returning id`,
    [series.id, occurrence],
  )
  const next = r.rows[0].id
  await ctx.db.query(
    `update series set ends_on = $2, skipped_dates = array(select d from unnest(skipped_dates) d where d < $2) where id = $1`,
    [series.id, occurrence],
  )
  await ctx.db.query(`update tickets set series_id = $2 where series_id = $1 and series_occurrence >= $3 and closed_at is null`, [
    series.id,
    next,
    occurrence,
  ])
  await ctx.audit({
    entityType: 'series',
    entityId: series.id,
    action: 'split',
    before: series,
    after: await loadSeries(ctx.db, series.id),
  })
  await ctx.audit({ entityType: 'series', entityId: next, action: 'create', before: null, after: await loadSeries(ctx.db, next) })
  return loadSeries(ctx.db, next, true)
}

/** Applies a change to every visit of the series still to come; a visit moved on its own keeps its time. */
async function rewriteFuture(ctx: OperationContext, series: SeriesRow, input: UpdateSeriesInput): Promise<string[]> {
  const changed: string[] = []
  for (const v of await upcomingVisits(ctx.db, series.id, ctx.services.now())) {
    const start = new Date(v.scheduled_start)
    const onSchedule =
      localDate(start, series.time_zone) === v.series_occurrence && localTime(start, series.time_zone) === series.start_time
    const change: VisitChange = { technician_ids: input.technician_ids, line_items: input.line_items }
    if (onSchedule && input.start_time && input.start_time !== series.start_time)
      change.start = zonedInstant(v.series_occurrence!, input.start_time, series.time_zone)
    if (input.duration_minutes !== undefined) change.duration_minutes = input.duration_minutes
    if (change.start && change.start <= ctx.services.now()) delete change.start
    if (!change.start && change.duration_minutes === undefined && !change.technician_ids && !change.line_items) continue
    await rewriteVisit(ctx, v.id, change)
    changed.push(v.id)
  }
  return changed
}

/** Skips one occurrence: its visit is cancelled (emails as for any cancellation) and never booked again. */
export const skipSeriesVisit = defineAction({
  key: 'series.skip',
  phrases: ['skip one visit of their regular schedule', 'not this month', 'skip visit', 'skip this time', 'not this month'],
  title: 'Skip one repeat visit',
  place: customer('their recurring visits, then Skip this visit'),
  description:
    'Skip one visit of a series: ticket_id (a booked visit: it is cancelled like ticket.cancel, its pending emails ' +
    'cancelled) or date (YYYY-MM-DD, an occurrence not yet booked). The series goes on; the skipped occurrence is never booked again.',
  access: { agent: 'soft_limit', technician: 'none' },
  input: z.strictObject({
    series_id: seriesId,
    ticket_id: z.uuid().optional().describe('The booked visit to skip'),
    date: isoDate().optional().describe('Or the local date of an occurrence not booked yet'),
    reason: z.string().trim().min(1).max(1000).optional().describe('Why, e.g. "customer away"'),
  }),
  output: SERIES_RECORD.extend({ skipped: z.object({ ticket_id: z.uuid().nullable(), date: calendarDay }) }),
  shortAnswer: ['skipped'],
  async run(ctx, input) {
    const series = await loadSeries(ctx.db, input.series_id, true)
    assertNotEnded(series, 'skip a visit')
    if (!input.ticket_id === !input.date) throw validationError([{ field: 'data.ticket_id', message: 'give either ticket_id or date' }])
    const reason = `Skipped in its series${input.reason ? `: ${input.reason}` : ''}`
    if (input.ticket_id) {
      const visit = await visitOf(ctx, series, input.ticket_id)
      await cancelVisit(ctx, visit.id, reason)
      return auditedSeries(ctx, series.id, 'skip', null, { skipped: { ticket_id: visit.id, date: visit.series_occurrence } })
    }
    const date = input.date!
    const booked = await ctx.db.query<{ id: string }>('select id from tickets where series_id = $1 and series_occurrence = $2', [
      series.id,
      date,
    ])
    if (booked.rows[0]) {
      throw validationError([
        { field: 'data.date', message: `the visit of ${date} is booked as ticket ${booked.rows[0].id}: skip it by ticket_id` },
      ])
    }
    if (!occurrenceDates(series, date, date).length) {
      throw validationError([
        { field: 'data.date', message: `${date} is not a day of this series (rule ${series.rule}, from ${series.start_date})` },
      ])
    }
    await ctx.db.query(
      'update series set skipped_dates = array_append(skipped_dates, $2::date) where id = $1 and not ($2::date = any(skipped_dates))',
      [series.id, date],
    )
    return auditedSeries(ctx, series.id, 'skip', series, { skipped: { ticket_id: null, date } })
  },
})

/** Pauses a series for a season: no visits until a date; its unconfirmed visits in the pause are cancelled. */
export const pauseSeries = defineAction({
  key: 'series.pause',
  phrases: [
    'pause their regular visits for the winter',
    'hold recurring cleaning for a while',
    'pause recurring',
    'season',
    'winter break',
    'hold',
  ],
  title: 'Pause repeat visits',
  place: customer('their recurring visits, then Pause'),
  description:
    'Pause a series, e.g. for the winter: until (YYYY-MM-DD) is the first day visits come back (it resumes by itself then); ' +
    'without it the series waits for series.resume. Visits in the pause the customer has not confirmed are cancelled (like ' +
    'ticket.cancel) and come back if the series resumes before their day; confirmed ones are kept and listed in kept_confirmed.',
  access: { agent: 'soft_limit', technician: 'none' },
  input: z.strictObject({
    series_id: seriesId,
    until: isoDate().optional().describe('First day of visits again, YYYY-MM-DD'),
    reason: z.string().trim().min(1).max(1000).optional(),
  }),
  output: SERIES_RECORD.extend({ cancelled_ticket_ids: z.array(z.uuid()), kept_confirmed: z.array(z.uuid()) }),
  shortAnswer: ['cancelled_ticket_ids', 'kept_confirmed'],
  async run(ctx, input) {
    const series = await loadSeries(ctx.db, input.series_id, true)
    assertNotEnded(series, 'be paused')
    const today = localDate(ctx.services.now(), series.time_zone)
    if (input.until && input.until <= today) throw validationError([{ field: 'data.until', message: `must be after today (${today})` }])
    await ctx.db.query(`update series set status = 'paused', paused_until = $2 where id = $1`, [series.id, input.until ?? null])
    const cancelled: string[] = []
    const kept: string[] = []
    for (const v of await upcomingVisits(ctx.db, series.id, ctx.services.now())) {
      if (input.until && localDate(new Date(v.scheduled_start), series.time_zone) >= input.until) continue
      if (v.status !== 'scheduled' || v.confirmation_status === 'accepted') {
        kept.push(v.id)
        continue
      }
      await cancelVisit(ctx, v.id, `Series paused${input.until ? ` until ${input.until}` : ''}${input.reason ? `: ${input.reason}` : ''}`)
      // Its date is let go, so resuming before that day books the visit again.
      await ctx.db.query('update tickets set series_occurrence = null where id = $1', [v.id])
      cancelled.push(v.id)
    }
    return auditedSeries(ctx, series.id, 'pause', series, { cancelled_ticket_ids: cancelled, kept_confirmed: kept })
  },
})

/** Resumes a paused series now and books its visits again up to the horizon. */
export const resumeSeries = defineAction({
  key: 'series.resume',
  title: 'Resume repeat visits',
  place: customer('their recurring visits, then Resume'),
  description: 'Resume a paused series now: its visits are booked again from today up to 60 days ahead (skipped ones stay skipped).',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  phrases: ['resume recurring', 'unpause', 'season starts'],
  input: z.strictObject({ series_id: seriesId }),
  // A series that was not paused is answered as it is, with nothing booked.
  output: SERIES_RECORD.extend({ booked: SERIES_GENERATED.booked.optional(), unassigned: SERIES_GENERATED.unassigned.optional() }),
  shortAnswer: ['booked', 'unassigned'],
  async run(ctx, input) {
    const series = await loadSeries(ctx.db, input.series_id, true)
    assertNotEnded(series, 'be resumed')
    if (series.status === 'active') return showSeries(ctx, series.id)
    await ctx.db.query(`update series set status = 'active', paused_until = null where id = $1`, [series.id])
    const generated = await generateVisits(ctx, series.id)
    return auditedSeries(ctx, series.id, 'resume', series, { booked: generated.created, unassigned: generated.unassigned })
  },
})

/** Ends a series: no visits after the last day; the booked ones after it are cancelled. */
export const endSeries = defineAction({
  key: 'series.end',
  phrases: ['stop their recurring visits for good', 'cancel the regular cleaning', 'stop recurring', 'cancel series', 'end subscription'],
  title: 'End repeat visits',
  place: customer('their recurring visits, then End these recurring visits'),
  description:
    'End a series for good: last_date (YYYY-MM-DD, default today) is the last day a visit may take place; every booked ' +
    'visit after it is cancelled like ticket.cancel (pending emails cancelled). The series stays on record with status ended. ' +
    "Needs the owner's authorization: it stops a regular customer's work.",
  access: { agent: 'requires_authorization', technician: 'none' },
  destructive: true,
  input: z.strictObject({
    series_id: seriesId,
    last_date: isoDate().optional().describe('Last day with a visit, YYYY-MM-DD; default today'),
    reason: z.string().trim().min(1).max(1000).describe('Why, e.g. "customer moved away"'),
  }),
  output: SERIES_RECORD.extend({ cancelled_ticket_ids: z.array(z.uuid()) }),
  shortAnswer: ['cancelled_ticket_ids'],
  async run(ctx, input) {
    const series = await loadSeries(ctx.db, input.series_id, true)
    assertNotEnded(series, 'be ended again')
    const endsOn = addDays(input.last_date ?? localDate(ctx.services.now(), series.time_zone), 1)
    const cancelled: string[] = []
    for (const v of await upcomingVisits(ctx.db, series.id, ctx.services.now())) {
      if (localDate(new Date(v.scheduled_start), series.time_zone) < endsOn && (v.series_occurrence ?? '') < endsOn) continue
      await cancelVisit(ctx, v.id, `Series ended: ${input.reason}`)
      cancelled.push(v.id)
    }
    await ctx.db.query(
      `update series set status = 'ended', paused_until = null, ended_at = $3,
        ends_on = case when ends_on is null or ends_on > $2 then $2 else ends_on end where id = $1`,
      [series.id, endsOn, ctx.services.now()],
    )
    return auditedSeries(ctx, series.id, 'end', series, { cancelled_ticket_ids: cancelled })
  },
})

/** The series as shown, with its next visits. */
async function showSeries(ctx: OperationContext, id: string): Promise<Record<string, unknown>> {
  return seriesView(ctx.db, await loadSeries(ctx.db, id), ctx.services.now())
}
