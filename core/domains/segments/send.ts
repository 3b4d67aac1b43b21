import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { CallPreview } from '../../kernel/call-preview.js'
import type { OperationContext } from '../../kernel/context.js'
import { validationError } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { isoInstant } from '../../kernel/schema-types.js'
import { localDate } from '../../vocabulary/time.js'
import { assertFuture, usableTemplate } from '../messages/actions.js'
import { assertTemplateTexts } from '../messages/template-texts.js'
import { loadTenantSettings } from '../settings/model.js'
import { assertOpen, loadSegment, refreshSegmentMembers, type Segment } from './model.js'
import { page } from '../../vocabulary/places.js'
import { reachOutAsked } from '../messages/reach-out-gate.js'
import { queueMessages } from '../messages/queue.js'

/** The kinds of message that go to a whole list: none is about one appointment or invoice. */
const AUDIENCE_KINDS = ['custom', 'reach_out', 'follow_up'] as const

/** What a send to a segment did; asked again, the first send's answer with repeated = true. */
const SEGMENT_SEND = z.object({
  id: z.uuid().describe('The send'),
  segment_id: z.uuid(),
  segment_name: z.string(),
  kind: z.enum(AUDIENCE_KINDS),
  send_at: timestamp,
  member_count: z.number().int().describe('Members when it was sent'),
  scheduled_count: z.number().int().describe('Messages scheduled, one per member with a working email'),
  skipped_no_email: z.number().int().describe('Members without an email address'),
  skipped_opted_out: z
    .number()
    .int()
    .describe('Members whose address bounced, who marked our email as spam, or (kind reach_out) who asked for no more reach-outs'),
  repeated: z.boolean().describe('true: the same send was already made; nothing more was scheduled'),
  created_at: timestamp,
})

const input = z.strictObject({
  segment_id: z.uuid(),
  kind: z.enum(AUDIENCE_KINDS).default('custom').describe('custom (the default), reach_out or follow_up'),
  template_id: z
    .uuid()
    .optional()
    .describe("A template of the same kind or of kind custom; default: the kind's default template when sent"),
  subject: noteText(300).optional().describe('Replaces the template subject; may use {{variables}}, e.g. {{customer_first_name}}'),
  body: noteText(20_000).optional().describe('Custom text, inserted as {{custom_message}}; may use {{variables}}'),
  send_at: isoInstant().optional().describe('When to send, in the future; left out: now'),
})

/** Schedules one personalised email to each member of a segment who can receive it. */
export const sendToSegment = defineAction({
  key: 'segment.send_message',
  phrases: [
    'email all customers about a promotion',
    'send a newsletter',
    'announce a discount to everyone',
    'email everyone',
    'newsletter',
    'campaign',
    'bulk email',
    'announce',
    'email list',
  ],
  title: 'Email everyone in a segment',
  place: page('/segments', 'pick the segment, then Email'),
  description:
    'Schedule one email per member of a segment (segment_id), each personalised by its template {{variables}}: kind custom (default), ' +
    'reach_out or follow_up; template_id, subject, body (custom needs body or template_id), send_at (future; default now). Members without an ' +
    "email, or whose address bounced or complained, are skipped and counted. A rule segment is recomputed first. A bulk send: an agent's call " +
    "waits for the owner's approval. The same send asked again the same day schedules nothing more (repeated: true).",
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    customerText: { reviewed: ['subject', 'body'] },
    ownerSees: async (_ctx, input) => reachOutAsked(input.kind),
  },
  idempotent: true,
  input,
  output: SEGMENT_SEND,
  shortAnswer: ['scheduled_count', 'skipped_no_email', 'skipped_opted_out', 'repeated'],
  preview: previewSend,
  async run(ctx, data) {
    await checkSend(ctx, data)
    let segment = await loadSegment(ctx.db, data.segment_id, true)
    assertOpen(segment)
    const { timezone } = await loadTenantSettings(ctx.db)
    const sendAt = data.send_at ?? ctx.services.now().toISOString()
    const key = sendKey(data, localDate(new Date(sendAt), timezone))
    const earlier = await ctx.db.query(`${SEND_SELECT} where s.segment_id = $1 and s.send_key = $2`, [segment.id, key])
    if (earlier.rows[0]) return { ...earlier.rows[0], repeated: true }
    if (segment.kind === 'rule') segment = await refreshSegmentMembers(ctx.db, segment, ctx.services.now())
    const audience = await audienceOf(ctx, segment.id, data.kind)
    const sent = await ctx.db.query<{ id: string }>(
      `insert into segment_sends (tenant_id, segment_id, send_key, kind, template_id, subject, body, send_at,
        member_count, scheduled_count, skipped_no_email, skipped_opted_out) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id`,
      [
        ctx.tenantId,
        segment.id,
        key,
        data.kind,
        data.template_id ?? null,
        data.subject ?? null,
        data.body ?? null,
        sendAt,
        audience.members,
        audience.reachable,
        audience.no_email,
        audience.opted_out,
      ],
    )
    const sendId = sent.rows[0].id
    const reachable = await ctx.db.query<{ contact_id: string }>(
      `select m.contact_id from segment_members m join contacts c on c.id = m.contact_id
      where m.segment_id = $1 and ${reachableFor(data.kind)}`,
      [segment.id],
    )
    await queueMessages(
      ctx,
      reachable.rows.map((m) => ({
        contact_id: m.contact_id,
        kind: data.kind,
        template_id: data.template_id ?? null,
        subject: data.subject ?? null,
        body: data.body ?? null,
        send_at: sendAt,
        segment_send_id: sendId,
      })),
      { skipDuplicates: true },
    )
    const result = (await ctx.db.query(`${SEND_SELECT} where s.id = $1`, [sendId])).rows[0]
    await ctx.audit({ entityType: 'segment_send', entityId: sendId, action: 'send', before: null, after: result })
    return { ...result, repeated: false }
  },
})

const SEND_SELECT = `select s.id, s.segment_id, g.name as segment_name, s.kind, s.send_at, s.member_count, s.scheduled_count, s.skipped_no_email,
  s.skipped_opted_out, s.created_at from segment_sends s join segments g on g.id = s.segment_id`

/** A member who can receive email: not merged away, with an address that has neither bounced nor complained. */
const REACHABLE = `c.merged_into is null and coalesce(c.email, '') <> '' and c.email_status = 'ok'`

/** A member who may receive this kind: reach-outs also skip who asked for no more of them. */
const reachableFor = (kind: string) => (kind === 'reach_out' ? `${REACHABLE} and c.reach_out_opt_out_at is null` : REACHABLE)

/** Refuses what the message itself gets wrong, before anything is read or written. */
async function checkSend(ctx: OperationContext, data: z.output<typeof input>): Promise<void> {
  assertTemplateTexts({ 'data.subject': data.subject, 'data.body': data.body })
  if (data.send_at) assertFuture(ctx, data.send_at, 'data.send_at')
  if (data.kind === 'custom' && !data.template_id && !data.body) {
    throw validationError([{ field: 'data.body', message: 'is required for kind custom unless template_id is given' }])
  }
  if (data.template_id) await usableTemplate(ctx, data.template_id, data.kind)
}

/** The same message to the same segment on the same local day is one send, however often it is asked for. */
function sendKey(data: z.output<typeof input>, day: string): string {
  const what = JSON.stringify([data.kind, data.template_id ?? null, data.subject ?? null, data.body ?? null, data.send_at ?? null, day])
  return createHash('sha256').update(what).digest('hex')
}

/** How many members a segment has, and how many of them can, cannot or must not be emailed. */
async function audienceOf(ctx: OperationContext, segmentId: string, kind: string) {
  const r = await ctx.db.query<{ members: number; reachable: number; no_email: number; opted_out: number }>(
    `select count(*)::int as members, count(*) filter (where ${reachableFor(kind)})::int as reachable,
       count(*) filter (where coalesce(c.email, '') = '')::int as no_email,
       count(*) filter (where coalesce(c.email, '') <> '' and not (${reachableFor(kind)}))::int as opted_out
     from segment_members m join contacts c on c.id = m.contact_id where m.segment_id = $1 and c.merged_into is null`,
    [segmentId],
  )
  return r.rows[0]
}

/** What the owner checks before allowing a send: the segment, how many it reaches and who is left out. */
async function previewSend(ctx: OperationContext, data: z.output<typeof input>): Promise<CallPreview> {
  const settings = await loadTenantSettings(ctx.db)
  const segment: Segment = await loadSegment(ctx.db, data.segment_id)
  const audience = await audienceOf(ctx, segment.id, data.kind)
  const warnings = [
    `Segment "${segment.name}" has ${segment.member_count} members${
      segment.kind === 'rule' && segment.computed_at
        ? ` (computed ${new Date(segment.computed_at).toISOString().slice(0, 16).replace('T', ' ')} UTC; recomputed when sent)`
        : ''
    }`,
  ]
  if (audience.no_email) warnings.push(`${audience.no_email} without an email address will be skipped`)
  if (audience.opted_out) warnings.push(`${audience.opted_out} whose email bounced or who complained will be skipped`)
  return {
    summary:
      `Email ${audience.reachable} of the ${segment.member_count} members of segment "${segment.name}"` +
      `${data.subject ? `: "${data.subject}"` : ` (${data.kind.replace('_', ' ')} message)`}`,
    when: [{ label: 'Sends', at: data.send_at ?? ctx.services.now().toISOString() }],
    warnings,
    currency: settings.currency,
    timezone: settings.timezone,
  }
}
