import type { PersonalTable } from '../../personal-data/declare.js'

/** A visit's close-out: what was typed about the customer in its steps goes; the choices stay. */
export const closeoutsPersonalData: PersonalTable = {
  table: 'closeouts',
  place: 270,
  reach: { ticket_id: 'tickets' },
  columns: {
    state: { erase: 'scrub', sought: false },
    steps_done: 'not personal',
    result: { erase: 'scrub', sought: false },
    payment_choice: 'not personal',
    skip_reason: 'not personal',
    payment_note: { erase: 'null', sought: false },
  },
  // Its words are the visit's, exported with it; the steps are the technician's bookkeeping.
  export: null,
}
