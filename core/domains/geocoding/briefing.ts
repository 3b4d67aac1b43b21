import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { addressesQuery } from '../addresses/queries.js'

/** Addresses named in the line at most; the rest stay behind crm_query. */
const NAMED = 3

/** The addresses the map lacks, in one line of daily_briefing: routes and openings place them only by ZIP code and town. */
export async function geocodingBriefingLine(caller: Caller): Promise<string | null> {
  const page = await callQuery(caller, addressesQuery, { params: { point_status: 'unplaced' }, limit: NAMED + 1 })
  if (!page.items.length) return null
  const named = page.items
    .slice(0, NAMED)
    .map((a) => `${a.line1}, ${a.city} (${a.point_status === 'failed' ? 'the geocoder did not answer yet' : 'not found'})`)
  const more = page.items.length > NAMED ? '; and more' : ''
  return (
    `Addresses not on the map: ${named.join('; ')}${more}; routes and openings place them by ZIP code alone ` +
    '(crm_query type=addresses point_status=unplaced; address.pin places one by hand, which waits for the owner)'
  )
}
