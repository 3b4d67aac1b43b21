import type { PersonalTable } from '../../personal-data/declare.js'

/** A customer's service plan: its terms and dates stay for the books; a cancellation note in the customer's words goes. */
export const customerPlansPersonalData: PersonalTable = {
  table: 'customer_plans',
  place: 450,
  reach: { contact_id: 'contacts', address_id: 'addresses' },
  columns: {
    name: 'not personal',
    includes: 'not personal',
    currency: 'not personal',
    cycle: 'not personal',
    visit_time: 'not personal',
    technician_ids: 'not personal',
    status: 'not personal',
    mandate_text: 'not personal',
    cancel_note: { erase: 'scrub' },
  },
  export: { part: 'service_plans', heading: 'Service plans', order: 't.created_at, t.id' },
}
