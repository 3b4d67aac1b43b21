import type { OperationContext } from '../../kernel/context.js'
import { channelOn } from '../../kernel/message-channel.js'
import { MESSAGE_COLUMNS, MESSAGE_TABLE } from './model.js'

/** One message to queue: who gets it, what kind, when, and the records it is about. */
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
  slot_offer_id?: string | null
  segment_send_id?: string | null
  reach_out_batch_id?: string | null
  follow_up_step?: string | null
  moved_from?: Date | string | null
  /** An "on my way" message's arrival time. */
  arrival_at?: Date | string | null
  /**
   * How it travels. Left out, the customer's own choice decides (contacts.message_channel): a kind that may go by text
   * goes by text, by email or both as they chose (by text only when they have no email address); a kind with no
   * template only by text; any other by email. While texts are off on the server, a customer with an email address
   * gets by email what they would have got by text.
   */
  channel?: 'email' | 'text'
}

/** Where messages are queued: the transaction, its business, and the server whose channels decide how they travel. */
export type QueueTarget = Pick<OperationContext, 'db' | 'tenantId' | 'services'>

/** What a queued message looks like as the API shows it (MESSAGE_COLUMNS). */
export type QueuedMessage = Record<string, unknown> & { id: string; contact_id: string; send_at: Date }

/**
 * The one way a message enters scheduled_messages: one statement for any number of them. With skipDuplicates, one a
 * unique rule already holds (the same follow-up step, the same send or batch to the same customer) is left out rather
 * than refused. Returns the rows made; auditing them is the caller's, who knows who asked.
 */
export async function queueMessages(
  { db, tenantId, services }: QueueTarget,
  messages: readonly MessageToQueue[],
  options: { skipDuplicates?: boolean } = {},
): Promise<QueuedMessage[]> {
  if (!messages.length) return []
  // Read at the call: the kinds' declarations import the appointment messages, which queue through this file.
  const { TEXT_KINDS, TEXT_ONLY_KINDS } = await import('../message-kinds.js')
  const r = await db.query<QueuedMessage>(
    `insert into scheduled_messages (tenant_id, contact_id, kind, template_id, subject, body, send_at, ticket_id, invoice_id,
       quote_id, customer_plan_id, slot_offer_id, segment_send_id, reach_out_batch_id, follow_up_step, moved_from, arrival_at, channel)
     select $1, m.contact_id, m.kind, m.template_id, m.subject, m.body, m.send_at, m.ticket_id, m.invoice_id,
       m.quote_id, m.customer_plan_id, m.slot_offer_id, m.segment_send_id, m.reach_out_batch_id, m.follow_up_step, m.moved_from, m.arrival_at, way.channel
     from jsonb_to_recordset($2::jsonb) as m (contact_id uuid, kind text, template_id uuid, subject text, body text,
       send_at timestamptz, ticket_id uuid, invoice_id uuid, quote_id uuid, customer_plan_id uuid, slot_offer_id uuid, segment_send_id uuid,
       reach_out_batch_id uuid, follow_up_step text, moved_from timestamptz, arrival_at timestamptz, channel text)
     left join contacts c on c.id = m.contact_id
     cross join lateral unnest(case
       when m.channel is not null then array[m.channel]
       when m.kind = any($4::text[]) then array['text']
       when not (m.kind = any($3::text[])) or c.message_channel = 'email' then array['email']
       when not $5 and coalesce(trim(c.email), '') <> '' then array['email']
       when c.message_channel = 'text' or coalesce(trim(c.email), '') = '' then array['text']
       else array['email', 'text'] end) as way (channel)
     ${options.skipDuplicates ? 'on conflict do nothing' : ''}
     returning ${MESSAGE_COLUMNS}`,
    [tenantId, JSON.stringify(messages), TEXT_KINDS, TEXT_ONLY_KINDS, channelOn(services, 'text')],
  )
  return r.rows
}

/**
 * Queues one message and audits it as scheduled by whoever the operation acts for; returns it (its email, when the
 * customer gets it by email and by text: both are queued and audited).
 */
export async function queueMessage(ctx: QueueTarget & Pick<OperationContext, 'audit'>, message: MessageToQueue): Promise<QueuedMessage> {
  const rows = await queueMessages(ctx, [message])
  for (const row of rows) {
    await ctx.audit({ entityType: MESSAGE_TABLE.entity, entityId: String(row.id), action: 'schedule', before: null, after: row })
  }
  return rows.find((r) => r.channel === 'email') ?? rows[0]
}
