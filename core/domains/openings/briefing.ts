import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { scheduleOpeningsQuery } from './queries.js'

/** Openings named in the line at most; the rest stay behind crm_query. */
const NAMED = 3

/** The openings the waitlist could fill, in one line of daily_briefing: each time with its best candidate and how near. */
export async function openingsBriefingLine(caller: Caller): Promise<string | null> {
  const openings = (await callQuery(caller, scheduleOpeningsQuery, { params: { kind: 'left', candidates: 1 }, limit: 20 })).items
  const fillable = openings.filter((g) => g.candidates.length && !g.offered_to.length)
  if (!fillable.length) return null
  const named = fillable.slice(0, NAMED).map((g) => `${g.slot}: ${g.candidates[0].contact_name}, ${g.candidates[0].near}`)
  const more = fillable.length > NAMED ? `; and ${fillable.length - NAMED} more` : ''
  return (
    `Openings the waitlist could fill: ${named.join('; ')}${more} ` +
    "(crm_query type=schedule_openings; each candidate's offer is slot_offer.send's data; the first to pick books it)"
  )
}
