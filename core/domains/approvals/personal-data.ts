import type { PersonalTable } from '../../personal-data/declare.js'

/** An agent's call queued for the owner: one naming the customer has their values replaced in its call, preview, answer and words. */
export const authorizationRequestsPersonalData: PersonalTable = {
  table: 'authorization_requests',
  place: 350,
  reach: 'mentions',
  columns: {
    action_key: 'not personal',
    data: { erase: 'scrub', sought: false },
    reasoning: { erase: 'scrub', sought: false },
    summary: { erase: 'scrub', sought: false },
    status: 'not personal',
    decision: 'not personal',
    decision_note: { erase: 'scrub', sought: false },
    result: { erase: 'scrub', sought: false },
    error: { erase: 'scrub', sought: false },
    preview: { erase: 'scrub', sought: false },
    decision_reason: 'not personal',
    edits: { erase: 'scrub', sought: false },
    effect: { erase: 'scrub', sought: false },
  },
  // The owner's queue, not the customer's records.
  export: null,
}
