import { z } from 'zod'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { timestamp } from '../../kernel/output-types.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'
import { lockContact } from '../contacts/model.js'
import { cancelPendingMessages } from './cancel-pending.js'

/** Why a customer is never asked for a review. */
export const REVIEW_OPT_OUTS = ['declined', 'complained'] as const

const REVIEW_STATE = 'id, review_opt_out, review_opt_out_note, review_opt_out_at'

/** Marks a customer as never to be asked for a review (they declined, or complained), or asks again after all. */
export const setReviewOptOut = defineAction({
  key: 'contact.set_review_opt_out',
  phrases: [
    'do not ask them for a review',
    'they complained, no review request',
    'review request',
    'do not ask for review',
    'customer complained',
    'unhappy customer',
    'google review',
  ],
  title: 'Stop review requests to a customer',
  place: BY_AGENT_OR_API,
  words: { area: 'Customers', phrase: 'stop asking a customer for reviews' },
  description:
    'Stop review requests to a contact: reason declined (they said no to being asked) or complained (they were unhappy with ' +
    'the work or the service), with a note of what happened. Their review requests still queued are cancelled, and none is ' +
    'queued again. reason null asks them again after all. Returns the contact id, the reason, the note, since when, and the ' +
    'ids of the cancelled messages.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    contact_id: z.uuid(),
    reason: z.enum(REVIEW_OPT_OUTS).nullable().describe('declined | complained; null to ask for reviews again'),
    note: noteText(1000).optional().describe('What happened, e.g. "unhappy with streaks on the back windows"'),
  }),
  output: z.object({
    contact_id: z.uuid(),
    review_opt_out: z.enum(REVIEW_OPT_OUTS).nullable(),
    review_opt_out_note: z.string().nullable(),
    review_opt_out_at: timestamp.nullable(),
    cancelled_message_ids: z.array(z.uuid()),
  }),
  async run(ctx, input) {
    await lockContact(ctx.db, input.contact_id)
    const before = (await ctx.db.query(`select ${REVIEW_STATE} from contacts where id = $1`, [input.contact_id])).rows[0]
    const after = (
      await ctx.db.query(
        `update contacts set review_opt_out = $2, review_opt_out_note = $3,
           review_opt_out_at = case when $2::text is null then null when review_opt_out is null then $4 else review_opt_out_at end
         where id = $1 returning ${REVIEW_STATE}`,
        [input.contact_id, input.reason, input.reason ? (input.note?.trim() ?? null) : null, ctx.services.now()],
      )
    ).rows[0]
    await ctx.audit({ entityType: 'contact', entityId: input.contact_id, action: 'update', before, after })
    const cancelled = input.reason
      ? await cancelPendingMessages(
          ctx,
          "contact_id = $1 and kind = 'review_request'",
          [input.contact_id],
          `Not sent: the customer ${input.reason === 'declined' ? 'declined review requests' : 'complained'}`,
        )
      : []
    return {
      contact_id: input.contact_id,
      review_opt_out: after.review_opt_out,
      review_opt_out_note: after.review_opt_out_note,
      review_opt_out_at: after.review_opt_out_at,
      cancelled_message_ids: cancelled,
    }
  },
})
