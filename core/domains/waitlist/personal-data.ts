import type { PersonalTable } from '../../personal-data/declare.js'

/** A waitlist entry: its notes go, and a waiting one is removed. */
export const waitlistPersonalData: PersonalTable = {
  table: 'waitlist_entries',
  place: 160,
  reach: { contact_id: 'contacts' },
  columns: { preferred_days: 'not personal', time_of_day: 'not personal', status: 'not personal', notes: { erase: 'null' } },
  stateChanges: [{ when: { status: ['waiting', 'offered'] }, set: { status: 'removed' } }],
  export: { part: 'waitlist', heading: 'Waitlist', order: 't.created_at, t.id' },
}
