import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { lockRecord, type RecordKind } from '../../vocabulary/records.js'

/** A kind of message, as a domain declares it (MESSAGE_KINDS in kinds.ts lists them all). */
export type MessageKind = string

/** Where a scheduled message is in its life; only delivery sets sent and failed. */
export const MESSAGE_STATUSES = ['pending', 'sent', 'cancelled', 'failed'] as const

/** The columns of a template as the API shows it. */
export const TEMPLATE_COLUMNS = 'id, kind, name, subject, body, is_default, archived_at, created_at, updated_at'

/** The columns of a scheduled message as the API shows it. */
export const MESSAGE_COLUMNS = `id, contact_id, kind, template_id, subject, body, send_at, status, ticket_id, invoice_id, quote_id,
  follow_up_step, moved_from, customer_plan_id, slot_offer_id, channel, arrival_at, attempts, last_error, sent_at, created_at, updated_at`

/** A message as it would be sent now, and the variables still without a value. */
export const RENDERED_MESSAGE = z.object({ subject: z.string(), body: z.string(), missing: z.array(z.string()) })

/** A template row, locked for update, or NOT_FOUND. */
export async function lockTemplate(tx: Queryable, id: string): Promise<Record<string, unknown>> {
  return lockRecord(tx, TEMPLATE_TABLE, id)
}

/** Where templates live, for lockRecord and the audited writes of core/vocabulary/records.ts. */
export const TEMPLATE_TABLE: RecordKind = { table: 'message_templates', columns: TEMPLATE_COLUMNS, entity: 'template' }

/** Where scheduled messages live, for lockRecord and the audited writes of core/vocabulary/records.ts. */
export const MESSAGE_TABLE: RecordKind = {
  table: 'scheduled_messages',
  columns: MESSAGE_COLUMNS,
  entity: 'scheduled_message',
  noun: 'scheduled message',
}

/** A scheduled message row, locked for update, or NOT_FOUND. */
export async function lockMessage(tx: Queryable, id: string): Promise<Record<string, unknown>> {
  return lockRecord(tx, MESSAGE_TABLE, id)
}

/** The template a message uses: its own when it names one, else the business's default of the kind. */
export interface MessageTemplate {
  /** Null for the built-in text of a kind the business has no default template for. */
  id: string | null
  kind: MessageKind
  name: string
  subject: string
  body: string
  builtin: boolean
}
