import { z } from 'zod'
import { BY_NAME, listPage } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { auditTrailExpansion, timestamp } from '../../kernel/output-types.js'
import { LIFECYCLES } from '../contacts/lifecycle.js'
import { SEGMENT_COLUMNS, SEGMENT_KINDS, SEGMENT_RECORD } from './model.js'

/** Segments by id, or the list of those in use, by name. */
export const segmentsQuery = defineQuery({
  type: 'segments',
  description:
    'Segments: named lists of contacts, by name. Each: id, name, description, kind (manual: members added by hand; rule: members ' +
    'computed from rule), rule, member_count and computed_at (when the members were last computed or changed), archived_at. ' +
    'Filters: kind, archived=true (only archived; default: in use). Members: data type segment_members.',
  entity: 'segment',
  phrases: ['audience', 'mailing list', 'customer lists', 'groups'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    kind: z.enum(SEGMENT_KINDS).optional(),
    archived: z.enum(['true', 'false']).optional(),
  }),
  record: SEGMENT_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const args: unknown[] = [req.id ?? null, req.params.kind ?? null, req.id ? null : req.params.archived === 'true']
    return listPage(ctx.db, req, BY_NAME, args, {
      columns: SEGMENT_COLUMNS,
      from: 'segments',
      where: `($1::uuid is null or id = $1) and ($2::text is null or kind = $2) and ($3::boolean is null or (archived_at is not null) = $3)`,
    })
  },
})

/** One member as a segment's list shows it: who, and how to reach them. */
export const SEGMENT_MEMBER = z.object({
  id: z.uuid().describe('The contact'),
  display_name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  email_status: z.enum(['ok', 'bounced', 'complained']),
  lifecycle: z.enum(LIFECYCLES),
  city: z.string().nullable().describe("Of the contact's first address in use"),
  added_at: timestamp,
})

/** The contacts of one segment, by name, paged. */
export const segmentMembersQuery = defineQuery({
  type: 'segment_members',
  description:
    'The members of a segment (segment_id, required), by name, paged: contact id, display_name, email, phone, email_status, lifecycle, ' +
    'city, added_at. A rule segment lists its members as last computed (see segments.computed_at; segment.refresh recomputes).',
  phrases: ['segment contacts', 'audience members'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ segment_id: z.uuid().describe('The segment') }),
  record: SEGMENT_MEMBER,
  async run(ctx, req) {
    const args: unknown[] = [req.params.segment_id, req.id ?? null]
    return listPage(ctx.db, req, { keys: ['lower(c.display_name)', 'c.id'], types: ['text', 'uuid'] }, args, {
      columns: `c.id, c.display_name, c.email, c.phone, c.email_status, c.lifecycle, m.added_at,
        (select a.city from addresses a where a.contact_id = c.id and a.archived_at is null order by a.created_at limit 1) as city`,
      from: 'segment_members m join contacts c on c.id = m.contact_id',
      where: `m.segment_id = $1 and c.merged_into is null and ($2::uuid is null or c.id = $2)`,
    })
  },
})
