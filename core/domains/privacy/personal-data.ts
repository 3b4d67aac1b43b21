import type { PersonalTable } from '../../personal-data/declare.js'

/** The record that a customer was erased: who, when and how many rows, never a value. */
export const erasuresPersonalData: PersonalTable = {
  table: 'erasures',
  place: 330,
  reach: { contact_id: 'contacts' },
  columns: { rows_changed: 'not personal' },
  // The export says erased and when.
  export: null,
}
