// The Google domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { googleCapability } from './capability.js'
import { googleBusyTime } from './calendar-in/busy-blocks.js'
import { googleBusyDoubts } from './calendar-in/busy-doubts.js'

export * from './actions.js'
export * from './connection-query.js'
export * from './calendar-in/answer-actions.js'
export * from './calendar-in/requests-query.js'
export * from './calendar-choice.js'
export * from './contacts-import.js'
export * from './contacts-query.js'
export * from './gmail-actions.js'
export * from './calendar-events-query.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['imports', 'interactions', 'series', 'settings', 'tickets'],
  tables: [
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
  ],
  area: 'Your business',
  capability: googleCapability,
  // Busy times a person adds in their own Google calendar block them like a visit, for availability and booking.
  busyTime: googleBusyTime,
  // And when it cannot be read (the connection needs reconnecting), availability says a free time may not be free.
  busyDoubt: googleBusyDoubts,
})
