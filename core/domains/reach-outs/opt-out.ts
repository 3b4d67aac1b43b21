import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { timestamp } from '../../kernel/output-types.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { lockContact } from '../contacts/model.js'
import { cancelPendingMessages } from '../messages/cancel-pending.js'

/** Stops every automatic reach-out to a customer (they asked for no more), or lets them come again. */
export const setReachOutOptOut = defineAction({
  key: 'reach_out.opt_out',
  example: { contact_id: '00000000-0000-4000-8000-000000000001', opted_out: true },
  phrases: ['they asked us to stop emailing them', 'unsubscribe a customer from reminders'],
  title: 'Stop reach-outs to a customer',
  place: BY_AGENT_OR_API,
  words: { phrase: 'stop reach-out emails to a customer who asked for no more' },
  description:
    'opted_out true: the customer gets no more reach-out emails (from rules, close-outs or segments of kind reach_out); those ' +
    "still queued are cancelled. opted_out false: they may be reached again; an agent's call waits for the owner, who should " +
    'know the customer asked for it.',
  access: {
    agent: 'unrestricted',
    technician: 'none',
    ownerSees: async (_ctx, input) => (input.opted_out ? null : 'emails again a customer who asked for no more reach-outs'),
  },
  idempotent: true,
  input: z.strictObject({ contact_id: z.uuid(), opted_out: z.boolean() }),
  output: z.object({
    contact_id: z.uuid(),
    reach_out_opt_out_at: timestamp.nullable(),
    cancelled_message_ids: z.array(z.uuid()),
  }),
  async run(ctx, input) {
    const done = await setOptOut(ctx, input.contact_id, input.opted_out)
    return { contact_id: input.contact_id, ...done }
  },
})

/**
 * Sets whether a customer gets reach-outs (audited when it changes); opting out cancels their queued reach-outs, each
 * with why. Opting out again keeps when they first asked.
 */
export async function setOptOut(
  ctx: OperationContext,
  contactId: string,
  optedOut: boolean,
): Promise<{ reach_out_opt_out_at: Date | null; cancelled_message_ids: string[] }> {
  await lockContact(ctx.db, contactId)
  const before = (await ctx.db.query('select reach_out_opt_out_at from contacts where id = $1', [contactId])).rows[0]
  const after = (
    await ctx.db.query<{ reach_out_opt_out_at: Date | null }>(
      `update contacts set reach_out_opt_out_at = case when $2 then coalesce(reach_out_opt_out_at, $3) end where id = $1
       returning reach_out_opt_out_at`,
      [contactId, optedOut, ctx.services.now()],
    )
  ).rows[0]
  if (String(before.reach_out_opt_out_at) !== String(after.reach_out_opt_out_at))
    await ctx.audit({ entityType: 'contact', entityId: contactId, action: 'update', before, after })
  const cancelled = optedOut
    ? await cancelPendingMessages(
        ctx,
        "contact_id = $1 and kind = 'reach_out'",
        [contactId],
        'Not sent: the customer asked for no more reach-outs',
      )
    : []
  return { reach_out_opt_out_at: after.reach_out_opt_out_at, cancelled_message_ids: cancelled }
}
