import { z } from 'zod'
import { defineQuery } from '../../kernel/registry.js'
import { CLOSEOUT_RECORD, closeoutView, loadCloseout } from './model.js'

/** A ticket's close-out: the technician's answers so far and the step they are on. */
export const closeoutsQuery = defineQuery({
  type: 'closeouts',
  description:
    'The close-out of one ticket, by id = the ticket id: steps_done, next_step (work | notes | next | confirm | complete | ' +
    'payment | done), the work (duration, line items, totals), notes, next_service, what was read from the notes (extraction: ' +
    'status ok | pending | failed | off | empty, message, attributes), the attribute decisions, and after completion its result ' +
    '(next ticket, reach-out message, attributes) and payment decision.',
  access: { agent: 'unrestricted', technician: 'assigned', idEntity: 'ticket' },
  params: z.object({}),
  record: CLOSEOUT_RECORD,
  async run(ctx, req) {
    if (!req.id) return { items: [], next_cursor: null }
    return { items: [await closeoutView(ctx, await loadCloseout(ctx.db, req.id))], next_cursor: null }
  },
})
