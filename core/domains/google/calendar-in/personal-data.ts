import type { PersonalTable } from '../../../personal-data/declare.js'

/**
 * A visit's change read from a technician's Google calendar: times, ids and statuses stay with the visit; the note
 * (why it was declined or ignored) may name the customer, so erasure scrubs their values from it.
 */
export const googleChangeRequestsPersonalData: PersonalTable = {
  table: 'google_change_requests',
  place: 420,
  reach: { ticket_id: 'tickets' },
  columns: {
    calendar_id: 'not personal',
    event_id: 'not personal',
    series_event_id: 'not personal',
    event_etag: 'not personal',
    written_etag: 'not personal',
    kind: 'not personal',
    status: 'not personal',
    note: { erase: 'scrub', sought: false },
  },
  // The visit's own time and status are exported with it; the request is the business's bookkeeping.
  export: null,
}
