import type { PersonalTable } from '../../personal-data/declare.js'

/** Times offered to the customer: the address and words go, an open offer is withdrawn; the times and booking stay. */
export const slotOffersPersonalData: PersonalTable = {
  table: 'slot_offers',
  place: 220,
  reach: { contact_id: 'contacts', lead_id: 'leads' },
  columns: {
    email: { erase: { text: 'erased@erased.invalid' }, names: true },
    note: { erase: 'null' },
    service_ids: 'not personal',
    token_hash: 'not personal',
    status: 'not personal',
    email_error: { erase: 'null', sought: false },
    revoke_reason: { erase: 'null' },
  },
  stateChanges: [{ when: { status: ['open'] }, set: { status: 'revoked', revoked_at: { time: 'of erasure' } } }],
  export: { part: 'slot_offers', heading: 'Times offered', order: 't.created_at, t.id' },
}
