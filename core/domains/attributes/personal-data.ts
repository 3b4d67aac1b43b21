import type { PersonalTable } from '../../personal-data/declare.js'

/** A fact about a customer (the dog's name): it goes. */
export const attributesPersonalData: PersonalTable = {
  table: 'attributes',
  place: 30,
  reach: { contact_id: 'contacts' },
  rows: 'deleted',
  columns: { key: 'not personal', value: 'personal', source: 'not personal' },
  export: { part: 'attributes', heading: 'Facts', order: 't.key, t.id' },
}
