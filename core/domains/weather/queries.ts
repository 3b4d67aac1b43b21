import { z } from 'zod'
import { integrationOf } from '../../kernel/plug-in.js'
import type { Queryable } from '../../db/types.js'
import { defineQuery } from '../../kernel/registry.js'
import { isoDate } from '../../kernel/schema-types.js'
import { addDays, dayRange, localDate, weekdayOf } from '../../vocabulary/time.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { homeBaseOf } from '../routes/day.js'
import { loadTenantSettings } from '../settings/model.js'
import { type DayForecast, type Forecaster, WeatherError } from './nws.js'

/** The chance of rain, in percent, from which a day's outdoor work is worth moving. */
export const RAIN_LIKELY_PERCENT = 60

/** A day's weather at the home base, the visits it touches, and the ticket.move_day calls that would move them. */
export const WEATHER_OUTLOOK = z.object({
  date: calendarDay,
  forecast: z.string().nullable().describe('The daytime forecast in the service\'s words, e.g. "Showers Likely"; null when unknown'),
  precipitation_percent: z.number().int().nullable(),
  forecast_status: z
    .enum(['known', 'off', 'not_set_up', 'unavailable', 'beyond_forecast'])
    .describe(
      'known: read from the service; off: CRM_WEATHER=off; not_set_up: no home base (route.set_start); unavailable: the ' +
        'service could not be reached or refused; beyond_forecast: the date is past what it forecasts',
    ),
  rain_likely: z
    .boolean()
    .nullable()
    .describe(`The chance of rain is ${RAIN_LIKELY_PERCENT}% or more; null when the forecast is not known (forecast_status)`),
  visits: z.array(
    z.object({
      ticket_id: z.uuid(),
      number: z.number().int(),
      contact_name: z.string(),
      technician_id: z.uuid(),
      technician_name: z.string(),
      scheduled_start: timestamp,
    }),
  ),
  moves: z
    .array(z.object({ technician_id: z.uuid(), date: calendarDay, to_date: calendarDay, message: z.string() }))
    .describe('When rain is likely: the ticket.move_day data for each technician, to the first open day the forecast calls dry'),
  note: z.string().describe('Where the forecast came from, or why there is none'),
})

/** Tomorrow's (or a day's) weather at the business's home base and the outdoor visits it touches. */
export const weatherOutlookQuery = defineQuery({
  type: 'weather_outlook',
  phrases: [
    'will it rain tomorrow',
    'weather for the visits',
    'move the jobs because of rain',
    'weather',
    'rain',
    'forecast',
    'storm',
    'reschedule for rain',
  ],
  description:
    "A day's weather at the business's home base (date, default tomorrow) from the National Weather Service, the visits " +
    `still to do that day, and, when rain is likely (${RAIN_LIKELY_PERCENT}% or more), the ticket.move_day data that moves each ` +
    "technician's visits to the first day the forecast calls dry and the business is open (customers are told; it waits " +
    'for the owner). Without a forecast (CRM_WEATHER=off, no home base, the service unreachable) rain_likely is null and ' +
    'forecast_status and note say why.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ date: isoDate().optional() }),
  record: WEATHER_OUTLOOK,
  async run(ctx, req) {
    if (req.id !== undefined) return { items: [], next_cursor: null }
    const settings = await loadTenantSettings(ctx.db)
    const date = req.params.date ?? addDays(localDate(ctx.services.now(), settings.timezone), 1)
    const visits = await visitsOn(ctx.db, date, settings.timezone)
    const empty = { date, forecast: null, precipitation_percent: null, rain_likely: null, visits, moves: [] }
    const forecaster = integrationOf<Forecaster>(ctx.services, 'weather')
    if (!forecaster)
      return {
        items: [{ ...empty, forecast_status: 'off' as const, note: 'No forecast: the weather is off (CRM_WEATHER=off).' }],
        next_cursor: null,
      }
    const home = await homeBaseOf(ctx.db)
    if (!home)
      return {
        items: [
          {
            ...empty,
            forecast_status: 'not_set_up' as const,
            note: 'No forecast: the business has no home base to read it for (route.set_start).',
          },
        ],
        next_cursor: null,
      }
    let days: DayForecast[]
    try {
      days = await forecaster.daytimeForecasts(home.latitude, home.longitude)
    } catch (err) {
      if (!(err instanceof WeatherError)) throw err
      return { items: [{ ...empty, forecast_status: 'unavailable' as const, note: `No forecast: ${err.message}.` }], next_cursor: null }
    }
    const dayOf = (d: DayForecast) => d.startTime.slice(0, 10)
    const that = days.find((d) => dayOf(d) === date)
    if (!that)
      return {
        items: [
          {
            ...empty,
            forecast_status: 'beyond_forecast' as const,
            note: `No forecast: ${forecaster.name} forecasts about a week ahead, and not ${date}.`,
          },
        ],
        next_cursor: null,
      }
    const rainLikely = that.precipitationPercent >= RAIN_LIKELY_PERCENT
    const open = (d: string) => (settings.business_hours[weekdayOf(d)] ?? []).length > 0
    const dry = days.find((d) => dayOf(d) > date && d.precipitationPercent < RAIN_LIKELY_PERCENT && open(dayOf(d)))
    const technicians = [...new Set(visits.map((v) => v.technician_id))]
    const moves =
      rainLikely && dry
        ? technicians.map((id) => ({
            technician_id: id,
            date,
            to_date: dayOf(dry),
            message: `Rain is forecast for the day of your visit (${that.precipitationPercent}% chance, "${that.shortForecast}").`,
          }))
        : []
    const note =
      `${forecaster.name}: ${that.name}, ${that.shortForecast}, ${that.precipitationPercent}% chance of rain at ${home.label}` +
      (rainLikely && !dry ? '; no dry open day in the forecast to move to' : '')
    return {
      items: [
        {
          date,
          forecast: that.shortForecast,
          forecast_status: 'known' as const,
          precipitation_percent: that.precipitationPercent,
          rain_likely: rainLikely,
          visits,
          moves,
          note,
        },
      ],
      next_cursor: null,
    }
  },
})

/** The visits still to do on a day, with who does them. */
async function visitsOn(db: Queryable, date: string, timeZone: string) {
  const { start, end } = dayRange(date, timeZone)
  const r = await db.query<{
    ticket_id: string
    number: number
    contact_name: string
    technician_id: string
    technician_name: string
    scheduled_start: Date
  }>(
    `select t.id as ticket_id, t.number, c.display_name as contact_name, tt.user_id as technician_id,
            coalesce(nullif(u.name, ''), u.email) as technician_name, t.scheduled_start
       from tickets t join contacts c on c.id = t.contact_id
       join ticket_technicians tt on tt.ticket_id = t.id join users u on u.id = tt.user_id
      where t.scheduled_start >= $1 and t.scheduled_start < $2 and t.status in ('scheduled', 'confirmed')
      order by t.scheduled_start, t.number, u.name`,
    [start, end],
  )
  return r.rows.map((v) => ({ ...v, scheduled_start: new Date(v.scheduled_start).toISOString() }))
}
