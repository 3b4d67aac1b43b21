import type { PersonalTable } from '../personal-data/declare.js'

/** The answers core/kernel/operations.ts keeps for an Idempotency-Key: one naming the customer has their values replaced. */
export const idempotencyKeysPersonalData: PersonalTable = {
  table: 'idempotency_keys',
  place: 340,
  reach: 'mentions',
  columns: { principal: 'not personal', key: 'not personal', request_hash: 'not personal', response: { erase: 'scrub', sought: false } },
  // A copy of an answer already given; the records it names are exported themselves.
  export: null,
}
