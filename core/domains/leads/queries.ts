import { z } from 'zod'
import { phoneDigits } from '../../vocabulary/phone.js'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams } from '../../kernel/sql.js'
import { LEAD_COLUMNS, LEAD_RECORD } from './model.js'
import { isoInstant } from '../../kernel/schema-types.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'

/** Leads by id, or newest first, filtered by status, due reminders and words. */
export const leadsQuery = defineQuery({
  type: 'leads',
  exportColumns: [
    'id',
    'status',
    'raw_notes',
    'name',
    'phone',
    'email',
    'address',
    'service_interest',
    'source',
    'urgency',
    'property_details',
    'access_notes',
    'preferred_times',
    'reminder_at',
    'converted_contact_id',
    'converted_at',
    'archive_reason',
    'archived_at',
    'created_at',
    'updated_at',
  ],
  description:
    'Leads (prospective customers), newest first. Filters: status (new|contacted|qualified|converted|archived, or open = ' +
    'new, contacted and qualified; default: all but archived), urgency (low|normal|high), reminder_due_before (ISO 8601: leads whose ' +
    'reminder_at is before that time; pass now for reminders due), q (words in name, email, phone, address, service interest or raw notes; ' +
    '4+ digits match phone digits). include=contact adds the contact a converted lead became.',
  entity: 'lead',
  include: ['contact'],
  phrases: ['prospects', 'inquiries', 'follow up', 'pipeline'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(['new', 'contacted', 'qualified', 'converted', 'archived', 'open']).optional(),
    urgency: z.enum(['low', 'normal', 'high']).optional(),
    reminder_due_before: isoInstant().optional(),
    q: z.string().trim().min(1).max(200).optional(),
  }),
  record: LEAD_RECORD.extend({
    contact: z
      .object({ id: z.uuid(), display_name: z.string(), email: z.string().nullable(), phone: z.string().nullable() })
      .nullable()
      .optional(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const { status, urgency, reminder_due_before, q } = req.params
    const digits = phoneDigits(q ?? '')
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`l.id = ${params.add(req.id)}`)
    if (status === 'open') where.push(`l.status in ('new', 'contacted', 'qualified')`)
    else if (status) where.push(`l.status = ${params.add(status)}`)
    else if (!req.id) where.push('l.archived_at is null')
    if (urgency) where.push(`l.urgency = ${params.add(urgency)}`)
    if (reminder_due_before) where.push(`l.reminder_at < ${params.add(reminder_due_before)}`)
    // Through the function, which finds the matches by index (migration 0034).
    if (q) where.push(`l.id in (select lead_ids_matching(${params.add(q)}, ${params.add(digits.length >= 4 ? digits : null)}))`)
    const contact = req.include.has('contact')
      ? `, (select jsonb_build_object('id', c.id, 'display_name', c.display_name, 'email', c.email, 'phone', c.phone)
           from contacts c where c.id = l.converted_contact_id) as contact`
      : ''
    return listPage(ctx.db, req, newestFirst('l'), params.values, { columns: `${LEAD_COLUMNS}${contact}`, from: 'leads l', where })
  },
})
