import type { PersonalTable } from '../../personal-data/declare.js'

/** A customer's id in another system (Square's): it goes. */
export const contactExternalIdsPersonalData: PersonalTable = {
  table: 'contact_external_ids',
  place: 60,
  reach: { contact_id: 'contacts' },
  rows: 'deleted',
  columns: { source: 'not personal', external_id: 'personal' },
  export: { part: 'external_ids', heading: 'Ids in other systems', order: 't.source, t.external_id' },
}

/** A visit's id in another system: it says nothing about the person and stays, like the visit. */
export const ticketExternalIdsPersonalData: PersonalTable = {
  table: 'ticket_external_ids',
  place: 320,
  reach: { ticket_id: 'tickets' },
  columns: { source: 'not personal', external_id: 'not personal' },
  // The import's own bookkeeping, not something held about the customer.
  export: null,
}
