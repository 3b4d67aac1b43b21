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

/** The links texted with an offer: only their secrets' hashes, which name no one; they stay with the offer. */
export const slotOfferLinksPersonalData: PersonalTable = {
  table: 'slot_offer_links',
  place: 221,
  reach: { offer_id: 'slot_offers' },
  columns: { token_hash: 'not personal' },
  // Hashes of secrets: nothing of the customer's to give back.
  export: null,
}
