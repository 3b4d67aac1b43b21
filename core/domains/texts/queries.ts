import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'
import { afterCursor, pageOf } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { loadTenantSettings } from '../settings/model.js'
import { dayRange, localDate } from '../../vocabulary/time.js'
import { textSettingsRow, textsSentSince } from './consent.js'
import { TEXT_CONSENT_RECORD, consentRecord } from './records.js'
import { textSettingsOf, textsOffReason } from './settings.js'

/** One text to or from a customer or a lead. */
export const TEXT_RECORD = z.object({
  id: z.uuid(),
  direction: z.enum(['out', 'in']),
  contact_id: z.uuid().nullable(),
  lead_id: z.uuid().nullable(),
  phone: z.string().describe("The customer's number (E.164)"),
  body: z.string(),
  segments: z.number().int().describe('Segments (billed messages) it took'),
  status: z.enum(['sending', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'received']),
  error_code: z.number().int().nullable().describe("Twilio's error code when it failed or was not delivered"),
  error_message: z.string().nullable(),
  intent: z
    .enum(['confirm', 'reschedule', 'stop', 'start', 'help'])
    .nullable()
    .describe('What an inbound text asked for, when it was a keyword'),
  needs_answer: z.boolean().describe('An inbound text a person should answer (text.send answers it)'),
  ticket_id: z.uuid().nullable().describe('The visit it was about (a reminder, or the visit a C or R answered)'),
  scheduled_message_id: z.uuid().nullable(),
  created_at: timestamp,
})

const COLUMNS = `id, direction, contact_id, lead_id, phone, body, segments, status, error_code, error_message, intent, needs_answer,
  ticket_id, scheduled_message_id, created_at`

/** The texts with a customer or lead, newest first: the thread on their page. */
export const textsQuery = defineQuery({
  type: 'texts',
  description:
    'Texts to and from customers and leads, newest first: direction (out|in), body, segments, status (delivery: queued, sent, ' +
    'delivered, undelivered, failed; received for inbound), error_code, intent (confirm, reschedule, stop, start, help), ' +
    'needs_answer. Filters: contact_id, lead_id, waiting=true (inbound texts no one has answered yet). Answer with text.send.',
  phrases: ['texts', 'sms', 'text messages', 'thread', 'replies', 'conversation'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    contact_id: z.uuid().optional(),
    lead_id: z.uuid().optional(),
    waiting: z.enum(['true', 'false']).optional(),
  }),
  record: TEXT_RECORD,
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [req.id ?? null, p.contact_id ?? null, p.lead_id ?? null, p.waiting === 'true']
    const cursor = afterCursor(args, req.cursor, 'and (created_at, seq) <', ['timestamptz', 'bigint'])
    args.push(req.limit + 1)
    const r = await ctx.db.query<Record<string, unknown> & { created_at: Date; _seq: string; _sort_at: string }>(
      `select ${COLUMNS}, created_at::text as _sort_at, seq::text as _seq from text_messages
       where ($1::uuid is null or id = $1) and ($2::uuid is null or contact_id = $2) and ($3::uuid is null or lead_id = $3)
         and (not $4 or needs_answer) ${cursor}
       order by created_at desc, seq desc limit $${args.length}`,
      args,
    )
    return pageOf(
      r.rows.map((row) => ({ ...row, created_at: new Date(row.created_at).toISOString() })),
      req.limit,
      (row) => [row._sort_at, row._seq],
    )
  },
})

/** One customer's texting: their number, channel, consents and STOP. */
export const textConsentQuery = defineQuery({
  type: 'text_consent',
  description:
    "One customer's texting (id = the contact id): phone (E.164), message_channel (email, text, both), service and marketing " +
    'consent (when and how), stopped (replied STOP), time_zone.',
  phrases: ['text consent', 'sms opt in', 'can I text', 'texting preference'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: TEXT_CONSENT_RECORD,
  async run(ctx, req) {
    if (!req.id) return { items: [], next_cursor: null }
    const exists = await ctx.db.query('select 1 from contacts where id = $1', [req.id])
    if (!exists.rows.length) return { items: [], next_cursor: null }
    return { items: [await consentRecord(ctx.db, req.id)], next_cursor: null }
  },
})

/** Texting as the owner counts it: on or off, the number, the limit, and texts and segments a month. */
export const textUsageQuery = defineQuery({
  type: 'text_usage',
  description:
    "The business's texting, one record (id = the business id): on and off_reason (what the server must set), from_number, " +
    'daily_limit and sent_today, waiting (inbound texts no one answered), and by month (the last 12, newest first) the texts ' +
    'sent and received and the segments sent (what Twilio bills).',
  phrases: ['texts sent', 'sms usage', 'text costs', 'segments', 'texting'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: z.object({
    id: z.uuid(),
    on: z.boolean(),
    off_reason: z.string().nullable(),
    from_number: z.string().nullable(),
    daily_limit: z.number().int(),
    sent_today: z.number().int(),
    waiting: z.number().int().describe('Inbound texts no one has answered yet'),
    months: z.array(
      z.object({ month: z.string().describe('YYYY-MM'), sent: z.number().int(), segments: z.number().int(), received: z.number().int() }),
    ),
  }),
  async run(ctx, req) {
    if (req.id && req.id !== ctx.tenantId) return { items: [], next_cursor: null }
    const settings = await loadTenantSettings(ctx.db)
    const business = await textSettingsRow(ctx.db)
    const now = ctx.services.now()
    const sentToday = await textsSentSince(ctx.db, dayRange(localDate(now, settings.timezone), settings.timezone).start)
    const months = await ctx.db.query<{ month: string; sent: number; segments: number; received: number }>(
      `select to_char(created_at at time zone $1, 'YYYY-MM') as month,
              count(*) filter (where direction = 'out' and status <> 'failed')::int as sent,
              coalesce(sum(segments) filter (where direction = 'out' and status <> 'failed'), 0)::int as segments,
              count(*) filter (where direction = 'in')::int as received
       from text_messages where created_at >= $2::timestamptz - interval '1 year'
       group by 1 order by 1 desc limit 12`,
      [settings.timezone, now],
    )
    const waiting = await ctx.db.query<{ n: number }>('select count(*)::int as n from text_messages where needs_answer')
    const off = textsOffReason(textSettingsOf(ctx.services))
    return {
      items: [
        {
          id: ctx.tenantId,
          on: !off,
          off_reason: off,
          from_number: business.from_number,
          daily_limit: business.daily_limit,
          sent_today: sentToday,
          waiting: waiting.rows[0].n,
          months: months.rows,
        },
      ],
      next_cursor: null,
    }
  },
})
