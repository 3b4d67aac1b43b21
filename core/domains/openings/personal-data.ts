import type { PersonalTable } from '../../personal-data/declare.js'

/** An opening a visit left: when and why, bookkeeping that stays with the ticket and names nobody. */
export const scheduleOpeningsPersonalData: PersonalTable = {
  table: 'schedule_openings',
  place: 430,
  reach: { ticket_id: 'tickets' },
  columns: { reason: 'not personal' },
  export: null,
}
