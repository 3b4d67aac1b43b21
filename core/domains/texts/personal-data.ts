import type { PersonalTable } from '../../personal-data/declare.js'

/** Texts to and from a customer (or the lead they were): their number and the words; erasure deletes them. */
export const textMessagesPersonalData: PersonalTable = {
  table: 'text_messages',
  place: 392,
  reach: { contact_id: 'contacts', lead_id: 'leads' },
  columns: {
    direction: 'not personal',
    phone: 'personal',
    business_phone: 'not personal',
    body: 'personal',
    status: 'not personal',
    provider_sid: 'not personal',
    error_message: 'not personal',
    intent: 'not personal',
    media_document_ids: 'not personal',
  },
  rows: 'deleted',
  export: { part: 'texts', heading: 'Texts', order: 't.created_at, t.id' },
}

/** A customer's consent to texts: when and how it was given; erasure deletes it with them. */
export const textConsentsPersonalData: PersonalTable = {
  table: 'text_consents',
  place: 393,
  reach: { contact_id: 'contacts' },
  columns: {
    service_how: 'not personal',
    marketing_how: 'not personal',
    time_zone: 'not personal',
  },
  rows: 'deleted',
  export: { part: 'text_consent', heading: 'Consent to texts', order: 't.contact_id' },
}

/** Photos a lead texted, kept until the lead becomes a customer: erasure deletes them. */
export const textMediaPersonalData: PersonalTable = {
  table: 'text_media',
  place: 394,
  reach: { text_message_id: 'text_messages' },
  columns: { content_type: 'not personal' },
  rows: 'deleted',
  // The photos themselves, not words: they become the customer's documents, exported there.
  export: null,
}
