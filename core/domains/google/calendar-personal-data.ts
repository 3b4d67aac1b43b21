import type { PersonalTable } from '../../personal-data/declare.js'

/**
 * What was written to Google for a visit: bookkeeping that stays with the ticket. Google's error text may quote the
 * event (the customer's name or address), so erasure scrubs the customer's values from it.
 */
export const googleEventsPersonalData: PersonalTable = {
  table: 'google_events',
  place: 400,
  reach: { ticket_id: 'tickets' },
  columns: {
    calendar_id: 'not personal',
    event_id: 'not personal',
    purpose: 'not personal',
    etag: 'not personal',
    fingerprint: 'not personal',
    state: 'not personal',
    error: { erase: 'scrub', sought: false },
  },
  export: null,
}

/** What was written to Google for a series' recurring event: bookkeeping that stays with the series. */
export const googleSeriesEventsPersonalData: PersonalTable = {
  table: 'google_series_events',
  place: 410,
  reach: { series_id: 'series' },
  columns: {
    calendar_id: 'not personal',
    event_id: 'not personal',
    purpose: 'not personal',
    etag: 'not personal',
    fingerprint: 'not personal',
    cancelled_instances: 'not personal',
    state: 'not personal',
    error: { erase: 'scrub', sought: false },
  },
  export: null,
}
