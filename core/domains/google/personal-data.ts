import type { PersonalTable } from '../../personal-data/declare.js'

/**
 * A Google contact linked to a customer: its resource name is an id of the person in Google, and goes with them. As
 * erasure deletes a link, it leaves a one-way mark of it (migration 0091), so Google never brings the person back.
 */
export const googleContactsPersonalData: PersonalTable = {
  table: 'google_contacts',
  place: 390,
  reach: { contact_id: 'contacts' },
  rows: 'deleted',
  columns: { resource_name: 'personal', etag: 'not personal' },
  // The refresh's own bookkeeping; the resource name is exported with the customer's ids in other systems.
  export: null,
}
