import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { AppError, validationError, type FieldIssue } from '../../kernel/errors.js'
import { auditedArchive, auditedInsert, auditedUpdate, lockRecord } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { isoDate, isoInstant } from '../../kernel/schema-types.js'
import { oneSubjectOf, LEAD_SUBJECT } from '../record-subject.js'
import {
  DIRECTED_KINDS,
  DIRECTIONS,
  INTERACTION_COLUMNS,
  INTERACTION_KINDS,
  INTERACTION_RECORD,
  INTERACTION_TABLE,
  type Interaction,
} from './model.js'
import { BY_AGENT_OR_API, customer } from '../../vocabulary/places.js'

/** How far ahead of the server's clock an occurred_at may be: a phone's clock a little fast is not a planned meeting. */
const CLOCK_SKEW_MS = 5 * 60 * 1000

const details = {
  direction: z
    .enum(DIRECTIONS)
    .optional()
    .describe('inbound: they reached us; outbound: we reached them. Required for call, email and text'),
  duration_minutes: z.number().int().min(0).max(1440).optional().describe('How long it took'),
  subject: noteText(300).optional().describe('A few words, e.g. "Quote for gutters"'),
  outcome: noteText(300).optional().describe('What came of it, e.g. "left a voicemail", "booked for Friday", "not interested"'),
  follow_up_on: isoDate()
    .optional()
    .describe('A local date to follow up on (YYYY-MM-DD); listed by interactions?follow_up=due from that day'),
}

/** Records a call, email, text, meeting or note with a customer or a lead, or about an opportunity. */
export const logInteraction = defineAction({
  key: 'interaction.log',
  phrases: [
    'I called the customer',
    'left a voicemail',
    'log a phone call or meeting',
    'log call',
    'called',
    'phone call',
    'voicemail',
    'meeting',
    'spoke with',
    'follow up',
    'contact history',
    'activity',
  ],
  title: 'Log a call, email or meeting',
  place: customer('Log a call, email or meeting'),
  description:
    `Record a conversation with exactly one of a contact (contact_id), a lead (lead_id; a converted lead's goes on its customer) or an ` +
    `opportunity (opportunity_id): kind ${INTERACTION_KINDS.join('|')}, ` +
    'direction (inbound|outbound; required for call, email, text), occurred_at (ISO 8601, not in the future; default now), summary, ' +
    'and optionally subject, outcome, duration_minutes, follow_up_on (local date). Card numbers and SSNs in the texts are redacted. ' +
    'Email the system sends itself is already recorded as scheduled messages; log the rest (calls, meetings, your own emails).',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject({
    contact_id: z.uuid().optional(),
    lead_id: z.uuid().optional(),
    opportunity_id: z.uuid().optional(),
    kind: z.enum(INTERACTION_KINDS),
    occurred_at: isoInstant().optional().describe('When it happened; default now'),
    summary: noteText().describe('What was said or done, up to 10,000 characters'),
    ...details,
  }),
  output: INTERACTION_RECORD,
  async run(ctx, input) {
    const { kind: subject, id: subjectId } = await oneSubjectOf(ctx.db, input, SUBJECTS)
    const occurredAt = input.occurred_at ?? ctx.services.now().toISOString()
    checkFacts(ctx, { kind: input.kind, direction: input.direction ?? null, occurred_at: input.occurred_at })
    return auditedInsert(
      ctx,
      INTERACTION_TABLE,
      `insert into interactions (tenant_id, ${subject.field}, kind, direction, occurred_at, duration_minutes, subject, summary, outcome, follow_up_on,
         author_type, author_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning ${INTERACTION_COLUMNS}`,
      [
        ctx.tenantId,
        subjectId,
        input.kind,
        input.direction ?? null,
        occurredAt,
        input.duration_minutes ?? null,
        input.subject ?? null,
        input.summary,
        input.outcome ?? null,
        input.follow_up_on ?? null,
        ctx.actor.type,
        ctx.actor.id,
      ],
    )
  },
})

/** Corrects an interaction, or marks its follow-up done. */
export const updateInteraction = defineAction({
  key: 'interaction.update',
  title: 'Mark a follow-up done',
  place: customer('Follow-up done'),
  description:
    'Change an interaction: kind, direction, occurred_at, summary, subject, outcome, duration_minutes, follow_up_on (null clears it), ' +
    'follow_up_done (true when the follow-up was made; false reopens it). Only the fields given change. An archived one is a CONFLICT.',
  access: { agent: 'unrestricted', technician: 'none' },
  phrases: ['follow up done', 'correct call', 'edit interaction'],
  input: z.strictObject({
    interaction_id: z.uuid(),
    kind: z.enum(INTERACTION_KINDS).optional(),
    occurred_at: isoInstant().optional(),
    summary: noteText().optional(),
    ...details,
    direction: z.enum(DIRECTIONS).nullable().optional().describe('inbound|outbound; null only for a meeting or a note'),
    follow_up_on: isoDate().nullable().optional().describe('A local date to follow up on; null: no follow-up'),
    follow_up_done: z.boolean().optional().describe('true: the follow-up was made; false: not yet'),
  }),
  output: INTERACTION_RECORD,
  async run(ctx, input) {
    const before = await lockRecord<Interaction>(ctx.db, INTERACTION_TABLE, input.interaction_id)
    if (before.archived_at)
      throw new AppError('CONFLICT', `Interaction ${before.id} is archived; it can no longer change`, { interaction_id: before.id })
    const after = {
      kind: input.kind ?? before.kind,
      direction: input.direction === undefined ? before.direction : input.direction,
      occurred_at: input.occurred_at ?? new Date(before.occurred_at).toISOString(),
      duration_minutes: input.duration_minutes ?? before.duration_minutes,
      subject: input.subject ?? before.subject,
      summary: input.summary ?? before.summary,
      outcome: input.outcome ?? before.outcome,
      follow_up_on: input.follow_up_on === undefined ? before.follow_up_on : input.follow_up_on,
    }
    checkFacts(ctx, { kind: after.kind, direction: after.direction, occurred_at: input.occurred_at })
    let doneAt = before.follow_up_done_at
    if (input.follow_up_done === true && !doneAt) doneAt = ctx.services.now().toISOString()
    if (input.follow_up_done === false) doneAt = null
    if (doneAt && !after.follow_up_on) {
      throw validationError([{ field: 'data.follow_up_done', message: 'there is no follow-up to mark done: give follow_up_on' }])
    }
    return auditedUpdate(ctx, INTERACTION_TABLE, before, { ...after, follow_up_done_at: doneAt })
  },
})

/** Hides an interaction logged by mistake; it stays readable by id and in the audit trail. */
export const archiveInteraction = defineAction({
  key: 'interaction.archive',
  title: 'Remove a call logged by mistake',
  place: BY_AGENT_OR_API,
  description:
    'Archive an interaction logged by mistake: it leaves lists and the timeline but stays readable by id. Archiving twice changes nothing.',
  access: { agent: 'soft_limit', technician: 'none' },
  phrases: ['delete call', 'remove interaction'],
  input: z.strictObject({ interaction_id: z.uuid() }),
  output: INTERACTION_RECORD,
  async run(ctx, input) {
    const before = await lockRecord<Interaction>(ctx.db, INTERACTION_TABLE, input.interaction_id)
    return auditedArchive(ctx, INTERACTION_TABLE, before)
  },
})

/** The records an interaction may be with. */
const SUBJECTS = [
  { field: 'contact_id', table: 'contacts', entity: 'contact' },
  LEAD_SUBJECT,
  { field: 'opportunity_id', table: 'opportunities', entity: 'opportunity' },
] as const

/** Refuses a call, email or text without a direction, and a time still to come. */
function checkFacts(ctx: OperationContext, v: { kind: string; direction: string | null; occurred_at?: string }): void {
  const issues: FieldIssue[] = []
  if (DIRECTED_KINDS.includes(v.kind as never) && !v.direction) {
    issues.push({ field: 'data.direction', message: `is required for a ${v.kind}: inbound or outbound` })
  }
  if (v.occurred_at && new Date(v.occurred_at).getTime() > ctx.services.now().getTime() + CLOCK_SKEW_MS) {
    issues.push({
      field: 'data.occurred_at',
      message: 'is in the future: log what happened; for what is planned, set follow_up_on or book a visit',
    })
  }
  if (issues.length) throw validationError(issues)
}
