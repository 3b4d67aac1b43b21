import type { PersonalTable } from '../../personal-data/declare.js'
import { ERASURE_TIME } from '../../personal-data/declare.js'

/** A contact: the customer, and the contacts merged into them. Erased, it stays as "Erased customer", archived. */
export const contactsPersonalData: PersonalTable = {
  table: 'contacts',
  place: 10,
  reach: { id: 'contacts', merged_into: 'contacts' },
  columns: {
    kind: 'not personal',
    display_name: { erase: { text: 'Erased customer' }, names: true },
    first_name: { erase: 'null' },
    last_name: { erase: 'null' },
    status: 'not personal',
    emails: { erase: 'empty', sought: '$[*].value', names: '$[*].value', shownAs: ['email'] },
    phones: { erase: 'empty', sought: '$[*].value', names: '$[*].value', digits: true, shownAs: ['phone'] },
    // The primary phone's digits by its country's rules (written by the app): sought already as the phones are.
    phone_key: { erase: 'null', sought: false },
    preferences: { erase: 'empty' },
    tags: { erase: 'empty' },
    source: { erase: 'null' },
    notes: { erase: 'null', shownAs: ['about'] },
    stripe_customer_id: { erase: 'null' },
    email_status: 'not personal',
    message_channel: 'not personal',
    lifecycle: 'not personal',
    legal_name: { erase: 'null', names: true },
    industry: { erase: 'null', sought: false },
    website: { erase: 'null', names: true },
    tax_id: { erase: 'null', names: true },
    billing_address: { erase: 'null', names: '$.line1' },
    custom_fields: { erase: 'empty' },
    review_opt_out: 'not personal',
    reach_out_opt_out_at: 'not personal',
    partner_roles: 'not personal',
    partner_note: { erase: 'null', shownAs: ['about'] },
    review_opt_out_note: { erase: 'null', shownAs: ['about'] },
  },
  stateChanges: [{ set: { status: 'archived', erased_at: ERASURE_TIME } }],
  // The contact itself heads the export.
  export: null,
}

/** A relationship between two contacts: it goes, whichever side the customer is on. */
export const contactLinksPersonalData: PersonalTable = {
  table: 'contact_links',
  place: 50,
  reach: { from_contact_id: 'contacts', to_contact_id: 'contacts' },
  rows: 'deleted',
  columns: { link_type: 'not personal', note: 'personal', strength: 'not personal' },
  shownAs: 'link',
  export: { part: 'links', heading: 'Relationships, both ways', order: 't.created_at, t.id' },
}
