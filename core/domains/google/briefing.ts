import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { shortText } from '../../text/short-text.js'
import { localDate, localTime } from '../../vocabulary/time.js'
import { settingsQuery } from '../settings/queries.js'
import { accountOwnerWords, googleAttention } from './attention.js'
import { googleChangeRequestsQuery } from './calendar-in/requests-query.js'
import { googleConnectionQuery } from './connection-query.js'

/** Characters of Google's words about an account quoted in the line; the rest stays behind crm_query. */
const MAX_WORDS = 80

/** Google Calendar changes named one by one; past this they are counted. */
const CHANGES_NAMED = 5

/** Google's part of daily_briefing: a line of accounts in trouble, and a line of calendar changes to answer, each only when there are some. */
export async function googleBriefingLines(caller: Caller): Promise<string | null> {
  const lines = [await accountsLine(caller), await changesLine(caller)].filter((line) => line !== null)
  return lines.length ? lines.join('\n') : null
}

/** Google's trouble in one line: each account Google stopped accepting, and each whose last sync failed, with its words. */
async function accountsLine(caller: Caller): Promise<string | null> {
  const attention = googleAttention((await callQuery(caller, googleConnectionQuery, { limit: 100 })).items)
  if (!attention) return null
  const parts = [
    ...attention.needsReconnect.map(
      (a) => `${accountOwnerWords(a)} needs connecting again${a.status_reason ? ` "${shortText(a.status_reason, MAX_WORDS)}"` : ''}`,
    ),
    ...attention.failed.map((a) => `last sync of ${accountOwnerWords(a)} failed "${shortText(a.last_sync_error ?? '', MAX_WORDS)}"`),
  ]
  return `Google: ${parts.join('; ')} (each person connects again at /settings/google; crm_query type=google_connection)`
}

/** Visits moved or deleted in a technician's Google calendar, waiting for an answer, in one line. */
async function changesLine(caller: Caller): Promise<string | null> {
  const page = await callQuery(caller, googleChangeRequestsQuery, { params: { status: 'open' }, limit: CHANGES_NAMED })
  if (!page.items.length) return null
  const tz = (await callQuery(caller, settingsQuery, {})).items[0].timezone
  const named = page.items.map((r) => {
    const was = `${localDate(new Date(r.was_start), tz)} ${localTime(new Date(r.was_start), tz)}`
    const change =
      r.kind === 'cancel' || !r.proposed_start
        ? 'deleted'
        : `moved to ${localDate(new Date(r.proposed_start), tz)} ${localTime(new Date(r.proposed_start), tz)}`
    return `#${r.ticket_number} ${r.customer_name ?? ''} ${was} ${change} by ${r.technician_name} (request ${r.id})`
  })
  return (
    `Google Calendar changes to answer: ${named.join('; ')}${page.next_cursor ? '; …' : ''} ` +
    '(crm_query type=google_change_requests; google.accept_change or google.decline_change)'
  )
}
