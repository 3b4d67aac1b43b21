import { z } from 'zod'
import type { FactDeclaration } from '../../kernel/call-preview.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { loadTenantSettings } from '../settings/model.js'
import { assertWaiting, loadBatch, lockBatch, sendBatch } from './batches.js'
import { loadRule } from './model.js'
import { previewCard, type RulePreview, renderFor } from './preview.js'

/** The fact a batch's send offers the owner's standing rules: "allow up to 20 customers a day". */
const BATCH_FACTS: Record<string, FactDeclaration> = {
  recipient_count: { label: 'the customers it emails', unit: 'count' },
}

/** What a batch's send or dismissal answers. */
const BATCH_DONE = z.object({
  batch_id: z.uuid(),
  status: z.enum(['sent', 'dismissed']),
  sent: z.number().int().describe("Emails scheduled now, each on its customer's timeline"),
  left_out: z.number().int().describe('Recipients who since opted out, booked, bounced or had another reach-out'),
})

/** Sends a batch a rule gathered: one email per customer in it who can still be reached. */
export const sendReachOutBatch = defineAction({
  key: 'reach_out_batch.send',
  example: { batch_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ["send today's reach-outs", 'email the customers the rule found'],
  title: "Send a rule's batch of reach-outs",
  place: page('/reach-outs', 'under Waiting for you, press Send'),
  words: { phrase: 'send the batches of reach-out emails the rules gather' },
  description:
    'Send a waiting batch (reach_out_batches): one reach_out email per customer in it, now, each on their timeline. Anyone who ' +
    "since opted out, booked a visit, bounced or had another reach-out within the period is left out and counted. An agent's " +
    'call waits for the owner, unless a standing rule on recipient_count (e.g. at_most 20) allows it.',
  access: { agent: 'requires_authorization', technician: 'none' },
  facts: BATCH_FACTS,
  idempotent: true,
  input: z.strictObject({ batch_id: z.uuid() }),
  output: BATCH_DONE,
  async preview(ctx, input) {
    const batch = await loadBatch(ctx.db, input.batch_id)
    const rule = await loadRule(ctx.db, batch.rule_id)
    const settings = await loadTenantSettings(ctx.db)
    const people = await ctx.db.query<{ contact_id: string; name: string; email: string; why: string }>(
      `select x.contact_id, c.display_name as name, coalesce(c.email, '') as email, x.why from reach_out_recipients x
         join contacts c on c.id = x.contact_id where x.batch_id = $1 order by c.display_name, x.contact_id`,
      [batch.id],
    )
    const first = people.rows[0]
    const rendered = first ? await renderFor(ctx.db, rule, first.contact_id, ctx.services.now()) : null
    const p: RulePreview = {
      id: rule.id,
      name: rule.name,
      when: '',
      day: batch.run_on,
      fires_today: true,
      count: people.rows.length,
      recipients: people.rows.map((r) => ({ ...r, subject: '' })),
      held_back: 0,
      skipped: { no_email: 0, email_refused: 0, opted_out: 0, booked_ahead: 0, reached_lately: 0 },
      message: first && rendered ? { to: `${first.name} <${first.email}>`, subject: rendered.subject, body: rendered.body } : null,
    }
    return previewCard(p, `Send the reach-out rule "${rule.name}"'s batch of ${batch.run_on} to ${people.rows.length} customers`, settings)
  },
  async run(ctx, input) {
    const batch = await lockBatch(ctx.db, input.batch_id)
    assertWaiting(batch)
    const done = await sendBatch(ctx, batch)
    return { batch_id: batch.id, status: 'sent' as const, ...done }
  },
})

/** Lets a batch go unsent: its customers may be gathered again by a later day's run. */
export const dismissReachOutBatch = defineAction({
  key: 'reach_out_batch.dismiss',
  example: { batch_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ["do not send today's reach-outs", 'skip this batch'],
  title: "Dismiss a rule's batch",
  place: page('/reach-outs', 'under Waiting for you, press Dismiss'),
  words: { phrase: 'dismiss batches of reach-out emails unsent' },
  description:
    "Dismiss a waiting batch: nobody in it is emailed. Its customers are no longer held, so a later day's run may gather them " +
    'again; to stop that, turn the rule off.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ batch_id: z.uuid() }),
  output: BATCH_DONE,
  async run(ctx, input) {
    const batch = await lockBatch(ctx.db, input.batch_id)
    if (batch.status === 'sent') assertWaiting(batch)
    if (batch.status === 'waiting') {
      await ctx.db.query(`update reach_out_batches set status = 'dismissed', decided_at = $2 where id = $1`, [batch.id, ctx.services.now()])
      await ctx.audit({
        entityType: 'reach_out_batch',
        entityId: batch.id,
        action: 'dismiss',
        before: { status: 'waiting' },
        after: { status: 'dismissed' },
      })
    }
    return { batch_id: batch.id, status: 'dismissed' as const, sent: 0, left_out: 0 }
  },
})
