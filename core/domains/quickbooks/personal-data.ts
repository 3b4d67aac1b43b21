import type { PersonalTable } from '../../personal-data/declare.js'

/**
 * A record's sync state with QuickBooks: bookkeeping that stays, like the invoice it follows. QuickBooks' error text and
 * the note on a DisplayName made unique may name the customer, so erasure scrubs the customer's values from them.
 */
export const quickbooksRecordsPersonalData: PersonalTable = {
  table: 'quickbooks_records',
  place: 360,
  reach: { record_id: 'contacts' },
  columns: {
    kind: 'not personal',
    realm_id: 'not personal',
    remote_id: 'not personal',
    sync_token: 'not personal',
    fingerprint: 'not personal',
    state: 'not personal',
    error: { erase: 'scrub', sought: false },
    note: { erase: 'scrub', sought: false },
  },
  export: null,
}
