import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { textUsageQuery } from './queries.js'

/**
 * Texting in one line of daily_briefing: off and what to set (customers who chose texts hear by email meanwhile, or not at all), no
 * texting number yet, or the customers' texts waiting for an answer; nothing when all is well.
 */
export async function textsBriefingLine(caller: Caller): Promise<string | null> {
  const [usage] = (await callQuery(caller, textUsageQuery, {})).items
  if (!usage) return null
  if (!usage.on)
    return `Texts are off: ${usage.off_reason}; until then customers who chose texts hear by email (those with no email address hear nothing) and their replies by text are not received`
  if (!usage.from_number) return 'Texts are on but the business has no texting number yet: the owner sets it (text.update_settings)'
  if (!usage.waiting) return null
  return `${usage.waiting} customer text${usage.waiting === 1 ? '' : 's'} waiting for an answer (crm_query type=texts waiting=true; answer with text.send)`
}
