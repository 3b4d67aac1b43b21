import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { timestamp } from '../../kernel/output-types.js'
import { validationError, type FieldIssue } from '../../kernel/errors.js'
import { lockRecord, type RecordKind } from '../../vocabulary/records.js'
import { templateIssues } from '../../text/templating.js'

/** What a message is for; each kind has one default template. */
export const MESSAGE_KINDS = [
  'confirmation',
  'reminder',
  'follow_up',
  'reach_out',
  'invoice',
  'custom',
  'quote',
  'invoice_reminder',
  'quote_follow_up',
  'review_request',
  'moved',
  'plan_offer',
  'card_request',
  'charge_notice',
] as const
/** A kind of message. */
export type MessageKind = (typeof MESSAGE_KINDS)[number]

/** Where a scheduled message is in its life; only delivery sets sent and failed. */
export const MESSAGE_STATUSES = ['pending', 'sent', 'cancelled', 'failed'] as const

/** The columns of a template as the API shows it. */
export const TEMPLATE_COLUMNS = 'id, kind, name, subject, body, is_default, archived_at, created_at, updated_at'

/** The columns of a scheduled message as the API shows it. */
export const MESSAGE_COLUMNS = `id, contact_id, kind, template_id, subject, body, send_at, status, ticket_id, invoice_id, quote_id,
  follow_up_step, moved_from, customer_plan_id, attempts, last_error, sent_at, created_at, updated_at`

/** A template as the API shows it (TEMPLATE_COLUMNS). */
export const TEMPLATE_RECORD = z.object({
  id: z.uuid(),
  kind: z.enum(MESSAGE_KINDS),
  name: z.string(),
  subject: z.string(),
  body: z.string(),
  is_default: z.boolean(),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** A scheduled message as the API shows it (MESSAGE_COLUMNS). */
export const MESSAGE_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid(),
  kind: z.enum(MESSAGE_KINDS),
  template_id: z.uuid().nullable(),
  subject: z.string().nullable(),
  body: z.string().nullable(),
  send_at: timestamp,
  status: z.enum(MESSAGE_STATUSES),
  ticket_id: z.uuid().nullable(),
  invoice_id: z.uuid().nullable(),
  quote_id: z.uuid().nullable(),
  follow_up_step: z.string().nullable().describe('The step of the follow-up rule that queued it (e.g. due+7), null for other messages'),
  moved_from: timestamp.nullable().describe("A moved email's visit start before the move, null for other messages"),
  customer_plan_id: z.uuid().nullable().describe("A service plan offer's plan, null for other messages"),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  sent_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

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

/** Refuses texts whose placeholders are unknown or malformed, naming each field. */
export function assertTemplateTexts(fields: Record<string, string | null | undefined>): void {
  const issues: FieldIssue[] = []
  for (const [field, text] of Object.entries(fields)) if (text) issues.push(...templateIssues(field, text))
  if (issues.length) throw validationError(issues)
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
