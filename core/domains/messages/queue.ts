import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { MESSAGE_COLUMNS, MESSAGE_TABLE } from './model.js'

/** One email to queue: who gets it, what kind, when, and the records it is about. */
export type MessageToQueue = {
  contact_id: string
  kind: string
  send_at: Date | string
  template_id?: string | null
  subject?: string | null
  body?: string | null
  ticket_id?: string | null
  invoice_id?: string | null
  quote_id?: string | null
  customer_plan_id?: string | null
  segment_send_id?: string | null
  reach_out_batch_id?: string | null
  follow_up_step?: string | null
  moved_from?: Date | string | null
}

/** What a queued message looks like as the API shows it (MESSAGE_COLUMNS). */
export type QueuedMessage = Record<string, unknown> & { id: string; contact_id: string; send_at: Date }

/**
 * The one way a message enters scheduled_messages: one statement for any number of them. With skipDuplicates, one a
 * unique rule already holds (the same follow-up step, the same send or batch to the same customer) is left out rather
 * than refused. Returns the rows made; auditing them is the caller's, who knows who asked.
 */
export async function queueMessages(
  db: Queryable,
  tenantId: string,
  messages: readonly MessageToQueue[],
  options: { skipDuplicates?: boolean } = {},
): Promise<QueuedMessage[]> {
  if (!messages.length) return []
  const r = await db.query<QueuedMessage>(
    `insert into scheduled_messages (tenant_id, contact_id, kind, template_id, subject, body, send_at, ticket_id, invoice_id,
       quote_id, customer_plan_id, segment_send_id, reach_out_batch_id, follow_up_step, moved_from)
     select $1, m.contact_id, m.kind, m.template_id, m.subject, m.body, m.send_at, m.ticket_id, m.invoice_id,
       m.quote_id, m.customer_plan_id, m.segment_send_id, m.reach_out_batch_id, m.follow_up_step, m.moved_from
     from jsonb_to_recordset($2::jsonb) as m (contact_id uuid, kind text, template_id uuid, subject text, body text,
       send_at timestamptz, ticket_id uuid, invoice_id uuid, quote_id uuid, customer_plan_id uuid, segment_send_id uuid,
       reach_out_batch_id uuid, follow_up_step text, moved_from timestamptz)
     ${options.skipDuplicates ? 'on conflict do nothing' : ''}
     returning ${MESSAGE_COLUMNS}`,
    [tenantId, JSON.stringify(messages)],
  )
  return r.rows
}

/** Queues one message and audits it as scheduled by whoever the operation acts for; returns it. */
export async function queueMessage(
  ctx: Pick<OperationContext, 'db' | 'tenantId' | 'audit'>,
  message: MessageToQueue,
): Promise<QueuedMessage> {
  const [row] = await queueMessages(ctx.db, ctx.tenantId, [message])
  await ctx.audit({ entityType: MESSAGE_TABLE.entity, entityId: String(row.id), action: 'schedule', before: null, after: row })
  return row
}
