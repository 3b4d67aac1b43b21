import type { PersonalTable } from '../../personal-data/declare.js'

/** An opportunity: stage, amount, probability and dates stay for the forecast; its words go. */
export const opportunitiesPersonalData: PersonalTable = {
  table: 'opportunities',
  place: 190,
  reach: { contact_id: 'contacts', lead_id: 'leads' },
  columns: {
    title: { erase: { text: '[erased]' } },
    stage: 'not personal',
    currency: 'not personal',
    close_reason: { erase: { textIfSet: '[erased]' } },
  },
  export: { part: 'opportunities', heading: 'Opportunities', order: 't.created_at, t.id' },
}
