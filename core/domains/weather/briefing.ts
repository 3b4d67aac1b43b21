import type { Caller } from '../../call-action.js'
import { callQuery } from '../../call-query.js'
import { weatherOutlookQuery } from './queries.js'

/** Tomorrow's rain in one line of daily_briefing, when it is likely and visits are booked: how many, and the move. */
export async function weatherBriefingLine(caller: Caller): Promise<string | null> {
  const [outlook] = (await callQuery(caller, weatherOutlookQuery, {})).items
  if (!outlook?.rain_likely || !outlook.visits.length) return null
  const move = outlook.moves.length
    ? `; to move them: ticket.move_day ${outlook.moves.map((m) => JSON.stringify(m)).join(' and ')} (customers are told; it waits for the owner)`
    : '; the forecast has no dry open day to move them to'
  return `Rain likely ${outlook.date} (${outlook.precipitation_percent}%, ${outlook.forecast}) on ${outlook.visits.length} visit${outlook.visits.length === 1 ? '' : 's'} (crm_query type=weather_outlook)${move}`
}
