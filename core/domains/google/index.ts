// The Google domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
import { registerBusyDoubt, registerBusyTime } from '../../vocabulary/busy-time.js'
import { googleBusyTime } from './calendar-in/busy-blocks.js'
import { googleBusyDoubts } from './calendar-in/busy-doubts.js'

// Busy times a person adds in their own Google calendar block them like a visit, for availability and booking.
registerBusyTime(googleBusyTime)
// And when it cannot be read (the connection needs reconnecting), availability says a free time may not be free.
registerBusyDoubt(googleBusyDoubts)

export * from './actions.js'
export * from './connection-query.js'
export * from './calendar-in/answer-actions.js'
export * from './calendar-in/requests-query.js'
export * from './calendar-choice.js'
export * from './contacts-import.js'
export * from './contacts-query.js'
export * from './gmail-actions.js'
export * from './calendar-events-query.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['imports', 'interactions', 'series', 'settings', 'tickets']

/** What Google plugs in beside its operations: core/domains/plugged-in.ts collects it. */
export { googleCapability as capability } from './capability.js'

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = [
  'google_connections',
  'google_connect_states',
  'google_events',
  'google_calendar_reads',
  'google_busy_blocks',
  'google_change_requests',
  'google_contacts_sync',
  'google_contacts',
  'gmail_mailboxes',
  'gmail_messages',
  'google_contacts_erased',
  'google_series_events',
  'google_busy_series',
]

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Your business'
