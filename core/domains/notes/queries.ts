import { z } from 'zod'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { NOTE_COLUMNS, NOTE_RECORD } from './model.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'

/** Notes by id, or the notes of one subject (contact, ticket or lead), newest first. */
export const notesQuery = defineQuery({
  type: 'notes',
  description:
    'Notes, newest first. Filters: contact_id, ticket_id, lead_id (the record the note is on), q (words, stemmed: ' +
    '"dogs" finds "dog").',
  entity: 'note',
  phrases: ['comments', 'memos', 'history'],
  access: { agent: 'unrestricted', technician: 'assigned' },
  params: z.object({
    contact_id: z.uuid().optional(),
    ticket_id: z.uuid().optional(),
    lead_id: z.uuid().optional(),
    q: z.string().trim().min(1).max(200).optional(),
  }),
  record: NOTE_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [req.id ?? null, p.contact_id ?? null, p.ticket_id ?? null, p.lead_id ?? null, p.q ?? null]
    return listPage(ctx.db, req, newestFirst(), args, {
      columns: NOTE_COLUMNS,
      from: 'notes',
      where: `($1::uuid is null or id = $1)
         and ($2::uuid is null or contact_id = $2)
         and ($3::uuid is null or ticket_id = $3)
         and ($4::uuid is null or lead_id = $4)
         and ($5::text is null or search @@ websearch_to_tsquery('english', $5))`,
    })
  },
})
