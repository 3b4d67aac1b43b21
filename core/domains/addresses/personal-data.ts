import type { PersonalTable } from '../../personal-data/declare.js'
import { ERASURE_TIME } from '../../personal-data/declare.js'

/** A customer's address: erased, it stays (visits point at it) as "Erased", archived. */
export const addressesPersonalData: PersonalTable = {
  table: 'addresses',
  place: 20,
  reach: { contact_id: 'contacts' },
  columns: {
    label: { erase: 'null' },
    line1: { erase: { text: 'Erased' }, names: true },
    line2: { erase: 'null' },
    city: { erase: { text: '' } },
    state: { erase: { text: '' }, sought: false },
    postal_code: { erase: { text: '' } },
    country: 'not personal',
    access_notes: { erase: 'null' },
    // The pin says where the home is as well as the street does; erasing the street drops it anyway (migration 0121).
    latitude: { erase: 'null' },
    longitude: { erase: 'null' },
    point_status: 'not personal',
    point_note: { erase: 'null' },
  },
  stateChanges: [{ when: { archived_at: null }, set: { archived_at: ERASURE_TIME } }],
  export: { part: 'addresses', heading: 'Addresses', order: 't.created_at, t.id' },
}
