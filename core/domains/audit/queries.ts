import { z } from 'zod'
import { AppError } from '../../kernel/errors.js'
import { listPage } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { isoInstant } from '../../kernel/schema-types.js'
import { AUDIT_ENTRY } from '../../kernel/output-types.js'

/** The ids of the records belonging to the customer $8, whose history is part of the customer's. */
const CONTACT_RECORDS = ['addresses', 'attributes', 'notes', 'tickets', 'invoices', 'series', 'scheduled_messages', 'interactions']
  .map((table) => `select id from ${table} where contact_id = $8`)
  .join(' union all ')

/** The business's change history, newest first, filtered by record, action, actor and time. */
export const auditTrailQuery = defineQuery({
  type: 'audit_trail',
  phrases: ['history of changes to a record', 'who changed this', 'history', 'changes', 'log', 'who changed'],
  description:
    'Who changed what and why, newest first. Each entry: entity_type, entity_id, action, changes {field: {old, new}}, ' +
    'actor_type (user|agent|system), actor_id, reasoning, request_id, created_at. Filters: entity_type (e.g. contact), entity_id, ' +
    'action (e.g. update), actor_type, actor_id, contact_id (the customer and everything of theirs: addresses, attributes, notes, ' +
    'tickets, invoices, series, scheduled messages, interactions), since (inclusive) and until (exclusive) as ISO 8601 times. ' +
    "Entries are numbered, not UUIDs: read a record's history with entity_id, not id.",
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    entity_type: z.string().trim().min(1).max(100).optional(),
    entity_id: z.uuid().optional(),
    action: z.string().trim().min(1).max(100).optional(),
    actor_type: z.enum(['user', 'agent', 'system']).optional(),
    actor_id: z.uuid().optional(),
    contact_id: z
      .uuid()
      .optional()
      .describe("The customer's own entries and those of their addresses, attributes, notes, tickets, invoices, series and messages"),
    since: isoInstant().optional().describe('Entries at or after this time'),
    until: isoInstant().optional().describe('Entries before this time'),
  }),
  record: AUDIT_ENTRY.extend({ id: z.number().int(), entity_type: z.string() }),
  async run(ctx, req) {
    if (req.id !== undefined) {
      throw new AppError(
        'NOT_FOUND',
        `No audit entry has id ${req.id}: entries are numbered; to read a record's history filter with entity_id=${req.id}`,
        { type: 'audit_trail', id: req.id, field: 'id' },
      )
    }
    const p = req.params
    const args: unknown[] = [
      p.entity_type ?? null,
      p.entity_id ?? null,
      p.action ?? null,
      p.actor_type ?? null,
      p.actor_id ?? null,
      p.since ?? null,
      p.until ?? null,
      p.contact_id ?? null,
    ]
    return listPage(ctx.db, req, { keys: ['created_at', 'id'], types: ['timestamptz', 'bigint'], descending: true }, args, {
      columns: 'id, entity_type, entity_id, action, changes, actor_type, actor_id, reasoning, request_id, created_at',
      from: 'audit_log',
      where: `($1::text is null or entity_type = $1)
         and ($2::uuid is null or entity_id = $2)
         and ($3::text is null or action = $3)
         and ($4::text is null or actor_type = $4)
         and ($5::uuid is null or actor_id = $5)
         and ($6::timestamptz is null or created_at >= $6)
         and ($7::timestamptz is null or created_at < $7)
         and ($8::uuid is null or entity_id = $8 or entity_id in (${CONTACT_RECORDS}))`,
    })
  },
})
