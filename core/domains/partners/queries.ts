import { z } from 'zod'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams, whereAll } from '../../kernel/sql.js'
import { PARTNER_ROLES } from './actions.js'

/** A partner with the referrals it brought. */
export const PARTNER = z.object({
  id: z.uuid().describe("The partner's contact id"),
  display_name: z.string(),
  roles: z.array(z.enum(PARTNER_ROLES)),
  since: calendarDay.nullable(),
  note: z.string().nullable(),
  people: z.number().int().describe('Contacts who work at it'),
  referrals: z.number().int().describe('Customers referred by it or by its people'),
  referred_paid_cents: z.number().int().describe('What those customers have paid, in cents'),
  first_referral_at: timestamp.nullable(),
  last_referral_at: timestamp.nullable(),
  recent_referrals: z.array(z.object({ contact_id: z.uuid(), display_name: z.string(), referred_at: timestamp })).describe('The last 5'),
})

/** A partner as PARTNER gives it. */
export type Partner = z.infer<typeof PARTNER>

/** The business's partner organizations, each with the customers it (or its people) referred and what they paid. */
export const partnersQuery = defineQuery({
  type: 'partners',
  phrases: [
    'which companies send us work',
    'referral partners',
    'how many customers did the property manager send',
    'partner',
    'referral partner',
    'subcontractor',
    'contractor',
    'property manager',
    'who sends us work',
  ],
  description:
    'Partner organizations (partner.set): roles (referrer, contractor, subcontractor), since, note, how many people work at ' +
    'each, and the referrals it brought: customers with a referred_by link to it or to someone who works at it, what they ' +
    'have paid, the first and last referral, and the last 5. Filter: role.',
  access: { agent: 'unrestricted', technician: 'none', idEntity: 'contact' },
  params: z.object({ role: z.enum(PARTNER_ROLES).optional() }),
  record: PARTNER,
  async run(ctx, req) {
    const params = new SqlParams()
    const where = ['cardinality(c.partner_roles) > 0', 'c.merged_into is null']
    if (req.id) where.push(`c.id = ${params.add(req.id)}`)
    if (req.params.role) where.push(`${params.add(req.params.role)} = any(c.partner_roles)`)
    const r = await ctx.db.query<Partner>(
      `with partners as (
         select c.id, c.display_name, c.partner_roles, c.partner_since, c.partner_note from contacts c ${whereAll(where)}),
       referred as (
         select distinct on (p.id, l.from_contact_id) p.id as partner_id, l.from_contact_id as customer_id, l.created_at
           from partners p join contact_links l on l.link_type = 'referred_by'
            and (l.to_contact_id = p.id or l.to_contact_id in (select w.from_contact_id from contact_links w
                                                              where w.link_type = 'works_at' and w.to_contact_id = p.id))
          order by p.id, l.from_contact_id, l.created_at)
       select p.id, p.display_name, p.partner_roles as roles, p.partner_since::text as since, p.partner_note as note,
              (select count(*) from contact_links w where w.link_type = 'works_at' and w.to_contact_id = p.id)::int as people,
              (select count(*) from referred r where r.partner_id = p.id)::int as referrals,
              coalesce((select sum(i.amount_paid_cents) from invoices i join referred r on r.customer_id = i.contact_id
                         where r.partner_id = p.id), 0)::bigint as referred_paid_cents,
              (select min(r.created_at) from referred r where r.partner_id = p.id) as first_referral_at,
              (select max(r.created_at) from referred r where r.partner_id = p.id) as last_referral_at,
              coalesce((select json_agg(x order by x.referred_at desc) from (
                 select r.customer_id as contact_id, k.display_name, r.created_at as referred_at from referred r
                   join contacts k on k.id = r.customer_id where r.partner_id = p.id order by r.created_at desc limit 5) x), '[]') as recent_referrals
         from partners p order by lower(p.display_name), p.id limit ${req.limit}`,
      params.values,
    )
    return { items: r.rows.map((p) => ({ ...p, referred_paid_cents: Number(p.referred_paid_cents) })), next_cursor: null }
  },
})
