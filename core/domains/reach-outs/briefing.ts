import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { reachOutBatchesQuery } from './queries.js'

/** The batches waiting for the owner, in one line of daily_briefing, each with its rule and how many customers. */
export async function reachOutBriefingLine(caller: Caller): Promise<string | null> {
  const waiting = (await callQuery(caller, reachOutBatchesQuery, { params: { status: 'waiting' }, limit: 20 })).items
  if (!waiting.length) return null
  const named = waiting.slice(0, 3).map((b) => `"${b.rule_name}" (${b.recipient_count} customers, ${b.run_on})`)
  const more = waiting.length > 3 ? `; and ${waiting.length - 3} more` : ''
  return (
    `Reach-outs waiting for the owner: ${named.join('; ')}${more} ` +
    '(crm_query type=reach_out_batches status=waiting; reach_out_batch.send sends one, reach_out_batch.dismiss drops it)'
  )
}
