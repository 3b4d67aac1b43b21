import { z } from 'zod'
import { validationError } from '../../kernel/errors.js'
import { timestamp, calendarDay } from '../../kernel/output-types.js'
import { defineQuery } from '../../kernel/registry.js'
import { isoDate } from '../../kernel/schema-types.js'
import { SqlParams } from '../../kernel/sql.js'
import { addDays, dayRange, daysBetween, localDate, mondayOf } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { resolveTechnician } from '../users/technician-refs.js'

/** The longest span a timesheet covers at once: a quarter's days. */
const MAX_DAYS = 93

/** One technician's clocked time in one day or week. */
export const TIMESHEET_ROW = z.object({
  id: z.uuid().describe("The technician's user id, as technician_id: by id, a team member's rows"),
  technician_id: z.uuid(),
  technician_name: z.string(),
  period_start: calendarDay.describe('The day, or the Monday of the week'),
  period_end: calendarDay.describe('The same day, or the Sunday of the week'),
  days_worked: z.number().int().describe('Days with at least one visit clocked in'),
  visits: z.number().int().describe('Visits clocked in'),
  first_clock_in: timestamp.nullable(),
  last_clock_out: timestamp.nullable(),
  minutes_on_visits: z.number().int().describe('Clocked in to clocked out, visit by visit (a visit still open counts nothing)'),
  minutes_first_in_to_last_out: z
    .number()
    .int()
    .describe(
      'Each day from its first clock-in to its last clock-out, driving between visits included, summed; a day with a visit still open counts nothing',
    ),
  still_clocked_in: z.number().int().describe('Visits clocked in and not yet out: their time is not counted'),
})

/** A timesheet row as TIMESHEET_ROW gives it. */
export type TimesheetRow = z.infer<typeof TIMESHEET_ROW>

/** A technician's clock data by day or by week: what payroll reads. */
export const timesheetsQuery = defineQuery({
  type: 'timesheets',
  phrases: [
    'how many hours did the technician work',
    'timesheet for the week',
    'payroll hours',
    'timesheet',
    'hours worked',
    'payroll',
    'clock in',
    'clock out',
    'time card',
  ],
  description:
    "Timesheets from the technicians' clock-ins and clock-outs on visits, in the business's time zone: one row per " +
    'technician and day (by=day, the default) or week from Monday (by=week), with the visits clocked, the first clock-in and ' +
    'last clock-out, the minutes on visits, and the minutes from first in to last out (driving included). from and to ' +
    '(YYYY-MM-DD; default this week, Monday to Sunday; at most 93 days), technician_id (id or name; without it, everyone ' +
    "who clocked in; a technician reads their own; by id, a team member's). As CSV: GET /api/export?type=timesheets.",
  access: { agent: 'unrestricted', technician: 'assigned', assignedFilter: 'technician_id', idEntity: 'user' },
  params: z.object({
    technician_id: z.string().trim().min(1).max(200).optional().describe('A team member, by id or name'),
    from: isoDate().optional(),
    to: isoDate().optional(),
    by: z.enum(['day', 'week']).optional().describe('day (default) or week'),
  }),
  record: TIMESHEET_ROW,
  exportColumns: [
    'technician_name',
    'period_start',
    'period_end',
    'days_worked',
    'visits',
    'first_clock_in',
    'last_clock_out',
    'minutes_on_visits',
    'minutes_first_in_to_last_out',
    'still_clocked_in',
    'technician_id',
  ],
  async run(ctx, req) {
    const settings = await loadTenantSettings(ctx.db)
    const today = localDate(ctx.services.now(), settings.timezone)
    const monday = mondayOf(today)
    const from = req.params.from ?? monday
    const to = req.params.to ?? (req.params.from ? addDays(from, 6) : addDays(monday, 6))
    if (to < from) throw validationError([{ field: 'to', message: `must be on or after from (${from})` }])
    if (daysBetween(from, to) >= MAX_DAYS) throw validationError([{ field: 'to', message: `must be within ${MAX_DAYS} days of from` }])
    // By id, a team member's: the rows of the user with that id.
    const ref = req.id ?? req.params.technician_id
    const who = ref ? await resolveTechnician(ctx.db, ref, req.id ? 'id' : 'technician_id') : null
    const params = new SqlParams()
    const tz = params.add(settings.timezone)
    const start = params.add(dayRange(from, settings.timezone).start.toISOString())
    const end = params.add(dayRange(to, settings.timezone).end.toISOString())
    const user = who ? ` and tt.user_id = ${params.add(who.id)}` : ''
    const week = req.params.by === 'week'
    const r = await ctx.db.query<z.infer<typeof TIMESHEET_ROW>>(
      `with clocks as (
         select tt.user_id, u.name, (tt.clock_in_at at time zone ${tz})::date as day, tt.clock_in_at, tt.clock_out_at
           from ticket_technicians tt join users u on u.id = tt.user_id
          where tt.clock_in_at >= ${start}::timestamptz and tt.clock_in_at < ${end}::timestamptz${user}),
       days as (
         select user_id, name, day, count(*)::int as visits, min(clock_in_at) as first_in, max(clock_out_at) as last_out,
                coalesce(sum(extract(epoch from clock_out_at - clock_in_at)), 0) as seconds,
                count(*) filter (where clock_out_at is null)::int as open,
                case when count(*) filter (where clock_out_at is null) = 0 then extract(epoch from max(clock_out_at) - min(clock_in_at)) else 0 end as span
           from clocks group by user_id, name, day),
       periods as (
         select user_id, name, ${week ? `(date_trunc('week', day))::date` : 'day'} as period_start, count(*)::int as days_worked,
                sum(visits)::int as visits, min(first_in) as first_in, max(last_out) as last_out, sum(seconds) as seconds,
                sum(open)::int as open, sum(span) as span
           from days group by 1, 2, 3)
       select user_id as id, user_id as technician_id, name as technician_name, period_start::text as period_start,
              (period_start + ${week ? 6 : 0})::text as period_end, days_worked, visits, first_in as first_clock_in,
              last_out as last_clock_out, round(seconds / 60)::int as minutes_on_visits,
              round(span / 60)::int as minutes_first_in_to_last_out, open as still_clocked_in
         from periods order by lower(name), user_id, period_start`,
      params.values,
    )
    return { items: r.rows, next_cursor: null }
  },
})
