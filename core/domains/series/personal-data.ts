import type { PersonalTable } from '../../personal-data/declare.js'
import { ERASURE_TIME } from '../../personal-data/declare.js'

/** Recurring visits: their notes go, and they end. */
export const seriesPersonalData: PersonalTable = {
  table: 'series',
  place: 90,
  reach: { contact_id: 'contacts' },
  columns: {
    rule: 'not personal',
    start_time: 'not personal',
    time_zone: 'not personal',
    technician_ids: 'not personal',
    line_items: 'not personal',
    notes: { erase: 'null' },
    status: 'not personal',
    skipped_dates: 'not personal',
  },
  stateChanges: [{ set: { status: 'ended', paused_until: null } }, { when: { ended_at: null }, set: { ended_at: ERASURE_TIME } }],
  export: { part: 'series', heading: 'Recurring visits', order: 't.created_at, t.id' },
}
