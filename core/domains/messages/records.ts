import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'
import { messageKind } from './kinds.js'
import { MESSAGE_STATUSES } from './model.js'

/** A template as the API shows it (TEMPLATE_COLUMNS). */
export const TEMPLATE_RECORD = z.object({
  id: z.uuid(),
  kind: messageKind,
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
  kind: messageKind,
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
  slot_offer_id: z.uuid().nullable().describe('An offer of times texted to the customer, null for other messages'),
  channel: z.enum(['email', 'text']).describe('How it reaches the customer: by email, or by text to their mobile number'),
  arrival_at: timestamp.nullable().describe('In an "on my way" message: when the technician should arrive'),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  sent_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})
