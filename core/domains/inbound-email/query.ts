import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'
import { defineQuery } from '../../kernel/registry.js'
import { inboundAddressOf, inboundEmailOffReason } from './availability.js'
import { inboundEmailSettingsOf } from './settings.js'

/** Emails listed in the record, newest first; the rest are counted. */
const RECENT = 20

/** The business's inbound email as the owner and the agent read it. */
export const INBOUND_EMAIL_RECORD = z.object({
  id: z.uuid().describe('The business id'),
  on: z.boolean().describe('Whether this server takes inbound email at all'),
  off_reason: z.string().nullable().describe('Why it is off, naming what to set; null when on'),
  address: z.string().nullable().describe("The business's own address: mail to it becomes timeline emails and leads; null when off"),
  counts: z
    .object({ interactions: z.number().int(), leads: z.number().int(), skipped: z.number().int() })
    .describe('What the emails received so far became'),
  recent: z
    .array(
      z.object({
        received_at: timestamp,
        outcome: z.string().describe('interaction, lead, or skipped:<why> (newsletter, automated, from_business, duplicate...)'),
        interaction_id: z.uuid().nullable(),
        lead_id: z.uuid().nullable(),
      }),
    )
    .describe(`The last ${RECENT} emails received, newest first`),
})

/** The business's inbound address and what the emails sent to it became. */
export const inboundEmailQuery = defineQuery({
  type: 'inbound_email',
  description:
    "The business's inbound email, one record (id = the business id): address (mail sent or forwarded to it becomes an " +
    "email on a customer's timeline when the sender is a customer, or on a lead's when an open lead, else a lead when a " +
    'person asks for work; newsletters, automatic answers and mail from the business itself are skipped), on and ' +
    'off_reason (what the server must set), counts of what emails became, and the last ones received with their outcome.',
  phrases: ['inbound', 'email', 'mail', 'address', 'receive', 'forward', 'leads'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: INBOUND_EMAIL_RECORD,
  async run(ctx, req) {
    if (req.id && req.id !== ctx.tenantId) return { items: [], next_cursor: null }
    const settings = inboundEmailSettingsOf(ctx.services)
    const counts = await ctx.db.query<{ interactions: number; leads: number; skipped: number }>(
      `select count(*) filter (where outcome = 'interaction')::int as interactions, count(*) filter (where outcome = 'lead')::int as leads,
         count(*) filter (where outcome like 'skipped:%')::int as skipped from inbound_emails`,
    )
    const recent = await ctx.db.query<{ received_at: Date; outcome: string; interaction_id: string | null; lead_id: string | null }>(
      `select received_at, outcome, interaction_id, lead_id from inbound_emails order by created_at desc, id limit ${RECENT}`,
    )
    const off = inboundEmailOffReason(settings)
    return {
      items: [
        {
          id: ctx.tenantId,
          on: !off,
          off_reason: off,
          address: inboundAddressOf(settings, ctx.tenantId),
          counts: counts.rows[0],
          recent: recent.rows.map((r) => ({ ...r, received_at: new Date(r.received_at).toISOString() })),
        },
      ],
      next_cursor: null,
    }
  },
})
