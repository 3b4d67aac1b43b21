import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { SqlParams } from '../../kernel/sql.js'
import { defineQuery } from '../../kernel/registry.js'
import { localDate, addDays } from '../../vocabulary/time.js'
import { pastedFormStamp, REQUEST_CHECKS } from './request-checks.js'

/** Requests sent with the public request page, newest first, each with the lead it became. */
export const leadRequestsQuery = defineQuery({
  type: 'lead_requests',
  description:
    'Requests customers sent with the public request page (/r/<request_slug>), newest first; each became a lead (lead_id, ' +
    'source "request form"). Each shows what the request said, as its lead holds it now: name, email, phone, address, ' +
    'notes (what they wrote); and what the lead does not: the catalog services chosen, preferred_times, matched_contact ' +
    '(the existing customer whose email or phone they gave, or null) and photo (its type and size, or null). Filter: lead_id.',
  phrases: ['web form', 'website request', 'booking request', 'request page'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ lead_id: z.uuid().optional() }),
  record: z.object({
    id: z.uuid(),
    lead_id: z.uuid(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
    notes: z.string().describe('What they wrote'),
    matched_contact: z.object({ id: z.uuid(), display_name: z.string() }).nullable(),
    services: z.array(z.object({ id: z.uuid(), name: z.string() })),
    preferred_times: z.string().nullable(),
    photo: z.object({ content_type: z.string(), size_bytes: z.number().int() }).nullable(),
    created_at: timestamp,
  }),
  async run(ctx, req) {
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`r.id = ${params.add(req.id)}`)
    if (req.params.lead_id) where.push(`r.lead_id = ${params.add(req.params.lead_id)}`)
    return listPage(ctx.db, req, newestFirst('r'), params.values, {
      columns: `r.id, r.lead_id, l.name, l.email, l.phone, l.address, l.raw_notes as notes, r.preferred_times, r.created_at,
         (select jsonb_build_object('id', c.id, 'display_name', c.display_name) from contacts c where c.id = r.contact_id) as matched_contact,
         coalesce((select jsonb_agg(jsonb_build_object('id', s.id, 'name', s.name) order by lower(s.name))
                   from services s where s.id = any(r.service_ids)), '[]'::jsonb) as services,
         case when r.photo is null then null
              else jsonb_build_object('content_type', r.photo_type, 'size_bytes', length(r.photo)) end as photo`,
      from: 'lead_requests r join leads l on l.id = r.lead_id',
      where,
    })
  },
})

/** The owner's view of the request page: its address and what its checks stopped; never shown to the agent. */
export const requestFormQuery = defineQuery({
  type: 'request_form',
  description:
    "The business's public request page, one record (id = the business id): request_slug (null: no page), requests (leads " +
    'made in the last 30 days) and blocked (submissions the bot checks stopped in the last 30 days, by reason: honeypot, ' +
    'too_fast, bad_stamp, rate_limited), with the limits in force, and pasted_form_stamp: the stamp the form pasted into the ' +
    "business's own site carries, so a request sent with it is taken at once.",
  access: { agent: 'never', technician: 'none' },
  params: z.object({}),
  record: z.object({
    id: z.uuid(),
    request_slug: z.string().nullable(),
    requests: z.number().int(),
    blocked: z.object({
      honeypot: z.number().int(),
      too_fast: z.number().int(),
      bad_stamp: z.number().int(),
      rate_limited: z.number().int(),
    }),
    limits: z.object({ per_address_per_hour: z.number().int(), per_business_per_hour: z.number().int(), min_seconds: z.number().int() }),
    pasted_form_stamp: z.string(),
  }),
  async run(ctx, req) {
    const b = await ctx.db.query<{ id: string; request_slug: string | null; timezone: string; key: string }>(
      'select id, request_slug, timezone, request_form_key::text as key from tenants where id = app_tenant() and ($1::uuid is null or id = $1)',
      [req.id ?? null],
    )
    if (!b.rows[0]) return { items: [], next_cursor: null }
    const since = addDays(localDate(ctx.services.now(), b.rows[0].timezone), -29)
    const blocked = await ctx.db.query<{ reason: string; n: number }>(
      'select reason, sum(blocked)::int as n from request_form_blocked where day >= $1 group by reason',
      [since],
    )
    const made = await ctx.db.query<{ n: number }>(`select count(*)::int as n from lead_requests where created_at >= $1`, [
      new Date(ctx.services.now().getTime() - 30 * 86_400_000),
    ])
    const count = (reason: string) => blocked.rows.find((x) => x.reason === reason)?.n ?? 0
    return {
      items: [
        {
          id: b.rows[0].id,
          request_slug: b.rows[0].request_slug,
          requests: made.rows[0].n,
          blocked: {
            honeypot: count('honeypot'),
            too_fast: count('too_fast'),
            bad_stamp: count('bad_stamp'),
            rate_limited: count('rate_limited'),
          },
          limits: {
            per_address_per_hour: REQUEST_CHECKS.perAddressPerHour,
            per_business_per_hour: REQUEST_CHECKS.perBusinessPerHour,
            min_seconds: REQUEST_CHECKS.minSeconds,
          },
          pasted_form_stamp: pastedFormStamp(b.rows[0].key, b.rows[0].id),
        },
      ],
      next_cursor: null,
    }
  },
})
