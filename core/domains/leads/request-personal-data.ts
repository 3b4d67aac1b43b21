import type { PersonalTable } from '../../personal-data/declare.js'

/**
 * A request sent with the request page: its preferred times and photo go with the customer (the row is deleted); what they
 * wrote is in the lead's raw notes, exported and erased with the lead.
 */
export const leadRequestsPersonalData: PersonalTable = {
  table: 'lead_requests',
  place: 180,
  reach: { lead_id: 'leads', contact_id: 'contacts' },
  rows: 'deleted',
  columns: { preferred_times: 'personal', photo_type: 'not personal', service_ids: 'not personal' },
  export: null,
}
