import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { weatherOutlookQuery } from './queries.js'

/**
 * Tomorrow's weather in one line of daily_briefing when visits are booked: the rain when it is likely (how many, and the
 * move), or that the forecast is off or could not be read and why, since no line would read as a dry day.
 */
export async function weatherBriefingLine(caller: Caller): Promise<string | null> {
  const [outlook] = (await callQuery(caller, weatherOutlookQuery, {})).items
  if (!outlook?.visits.length) return null
  const visits = `${outlook.visits.length} visit${outlook.visits.length === 1 ? '' : 's'}`
  // Off is unknown too: no line would read as a dry day to an owner who never turned the forecast on.
  if (outlook.forecast_status !== 'known')
    return `Weather for ${outlook.date} unknown, with ${visits} booked: ${outlook.note.replace(/^No forecast: /, '')}`
  if (!outlook.rain_likely) return null
  const move = outlook.moves.length
    ? `; to move them: ticket.move_day ${outlook.moves.map((m) => JSON.stringify(m)).join(' and ')} (customers are told; it waits for the owner)`
    : '; the forecast has no dry open day to move them to'
  return `Rain likely ${outlook.date} (${outlook.precipitation_percent}%, ${outlook.forecast}) on ${visits} (crm_query type=weather_outlook)${move}`
}
