import { z } from 'zod'
import { afterCursor, pageOf } from '../../pagination.js'
import { defineQuery } from '../../registry.js'
import { LEAD_COLUMNS, LEAD_RECORD } from './model.js'
import { isoInstant } from '../../schema-types.js'
import { auditTrailExpansion } from '../../output-types.js'

/** Leads by id, or newest first, filtered by status, due reminders and words. */
export const leadsQuery = defineQuery({
  type: 'leads',
  description: 'Leads (prospective customers), newest first. Filters: status (new|contacted|qualified|converted|archived, or open = '
    + 'new, contacted and qualified; default: all but archived), urgency (low|normal|high), reminder_due_before (ISO 8601: leads whose '
    + 'reminder_at is before that time; pass now for reminders due), q (words in name, email, phone, address, service interest or raw notes; '
    + '4+ digits match phone digits). include=contact adds the contact a converted lead became.',
  entity: 'lead',
  include: ['contact'],
  keywords: ['prospects', 'inquiries', 'follow up', 'pipeline'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(['new', 'contacted', 'qualified', 'converted', 'archived', 'open']).optional(),
    urgency: z.enum(['low', 'normal', 'high']).optional(),
    reminder_due_before: isoInstant().optional(),
    q: z.string().trim().min(1).max(200).optional(),
  }),
  record: LEAD_RECORD.extend({
    contact: z.object({ id: z.uuid(), display_name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }).nullable().optional(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const { status, urgency, reminder_due_before, q } = req.params
    const digits = q?.replace(/\D/g, '') ?? ''
    const args: unknown[] = [req.id ?? null, status ?? null, urgency ?? null, reminder_due_before ?? null, q ?? null, digits.length >= 4 ? digits : null]
    const after = afterCursor(args, req.cursor, 'and (l.created_at, l.id) <', ['timestamptz', 'uuid'])
    args.push(req.limit + 1)
    const contact = req.include.has('contact')
      ? `, (select jsonb_build_object('id', c.id, 'display_name', c.display_name, 'email', c.email, 'phone', c.phone)
           from contacts c where c.id = l.converted_contact_id) as contact`
      : ''
    const r = await ctx.db.query(
      `select ${LEAD_COLUMNS}${contact}, l.created_at::text as _sort_at from leads l
       where ($1::uuid is null or l.id = $1)
         and (case when $2::text is null then ($1::uuid is not null or l.archived_at is null)
                   when $2 = 'open' then l.status in ('new', 'contacted', 'qualified')
                   else l.status = $2 end)
         and ($3::text is null or l.urgency = $3)
         and ($4::timestamptz is null or l.reminder_at < $4)
         and ($5::text is null or l.id in (select lead_ids_matching($5, $6)))
         ${after}
       order by l.created_at desc, l.id desc limit $${args.length}`, args)
    return pageOf(r.rows, req.limit, (row) => [row._sort_at, row.id])
  },
})
