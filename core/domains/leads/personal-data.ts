import type { PersonalTable } from '../../personal-data/declare.js'

/** A lead that became the customer: everything they told us goes. */
export const leadsPersonalData: PersonalTable = {
  table: 'leads',
  place: 170,
  reach: { converted_contact_id: 'contacts' },
  columns: {
    raw_notes: { erase: { text: '[erased]' } },
    name: { erase: 'null', names: true },
    phone: { erase: 'null', names: true },
    email: { erase: 'null', names: true },
    address: { erase: 'null', names: true },
    service_interest: { erase: 'null' },
    source: 'not personal',
    urgency: 'not personal',
    property_details: { erase: 'null' },
    access_notes: { erase: 'null' },
    preferred_times: { erase: 'null' },
    status: 'not personal',
    archive_reason: { erase: 'scrub' },
    extraction: { erase: 'null', sought: false },
  },
  export: { part: 'leads', heading: 'Leads that became this customer', order: 't.created_at, t.id' },
}
