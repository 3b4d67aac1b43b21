import { z } from 'zod'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { isoDate } from '../../kernel/schema-types.js'
import { QUOTE_COLUMNS, QUOTE_HEAD, QUOTE_STATUSES } from './model.js'
import { PRICED_LINE_RECORD, QUOTE_LINES, pricedLinesColumn } from '../../vocabulary/line-items.js'

/** Quotes by id, or newest first, filtered by status, customer, number and the day they lapse. */
export const quotesQuery = defineQuery({
  type: 'quotes',
  description:
    'Quotes offered to customers, newest first. Each: id, number (Q-YYYY-NNNN), contact_id, status (draft|sent|accepted|declined|' +
    'expired|cancelled), valid_until, tax_rate_bp, notes, subtotal_cents, tax_cents, total_cents, sent_at, answered_at, customer_note, ' +
    'follow_up_interaction_id (the follow-up made two days before a sent quote lapses). Filters: status, contact_id, number (exact), ' +
    'valid_until_by (YYYY-MM-DD: valid until that day or earlier). include: line_items, contact (name, email), order (the order an accepted quote made).',
  entity: 'quote',
  include: ['line_items', 'contact', 'order'],
  phrases: ['estimates', 'proposals', 'open quotes', 'quotes sent'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(QUOTE_STATUSES).optional(),
    contact_id: z.uuid().optional(),
    number: z.string().trim().min(1).max(50).optional(),
    valid_until_by: isoDate().optional(),
  }),
  record: QUOTE_HEAD.extend({
    line_items: z.array(PRICED_LINE_RECORD).optional(),
    contact: z.object({ id: z.uuid(), display_name: z.string(), email: z.string().nullable() }).optional(),
    order: z.object({ id: z.uuid(), number: z.string(), status: z.string() }).nullable().optional(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [req.id ?? null, p.status ?? null, p.contact_id ?? null, p.number ?? null, p.valid_until_by ?? null]
    const columns = [
      QUOTE_COLUMNS,
      req.include.has('line_items') && pricedLinesColumn(QUOTE_LINES, 'q.id'),
      req.include.has('contact') &&
        `(select jsonb_build_object('id', c.id, 'display_name', c.display_name, 'email', c.email)
         from contacts c where c.id = q.contact_id) as contact`,
      req.include.has('order') &&
        `(select jsonb_build_object('id', o.id, 'number', o.number, 'status', o.status)
         from orders o where o.quote_id = q.id) as "order"`,
    ]
    return listPage(ctx.db, req, newestFirst('q'), args, {
      columns,
      from: 'quotes q',
      where: `($1::uuid is null or q.id = $1)
         and ($2::text is null or q.status = $2)
         and ($3::uuid is null or q.contact_id = $3)
         and ($4::text is null or q.number = upper($4))
         and ($5::date is null or q.valid_until <= $5)`,
    })
  },
})
