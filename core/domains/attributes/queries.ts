import { z } from 'zod'
import { listPage } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { ATTRIBUTE_COLUMNS, ATTRIBUTE_KEY, ATTRIBUTE_RECORD, attributeValueMatches } from './model.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { idList } from '../../kernel/schema-types.js'

/** Facts about contacts, across contacts: who has which key or value. */
export const attributesQuery = defineQuery({
  type: 'attributes',
  description:
    'Attributes (facts) of contacts, across all contacts. Filters: key (exact), value (text, any case: equal to a string, ' +
    'number or boolean value, or held by an array value), contact_id, contact_ids (up to 100, comma-separated), source, confirmed (true|false). Each item carries the ' +
    "contact's display_name.",
  entity: 'attribute',
  phrases: ['facts', 'properties', 'demographics', 'tags'],
  access: { agent: 'unrestricted', technician: 'assigned' },
  params: z.object({
    key: z.string().trim().toLowerCase().regex(ATTRIBUTE_KEY, 'expected a snake_case key such as customer_demographic').optional(),
    value: z.string().trim().min(1).max(200).optional(),
    contact_id: z.uuid().optional(),
    contact_ids: idList('contact').optional().describe("the facts of several contacts in one read, e.g. everyone on a day's route"),
    source: z.enum(['note', 'ticket_closeout', 'manual', 'import']).optional(),
    confirmed: z.enum(['true', 'false']).optional(),
  }),
  record: ATTRIBUTE_RECORD.extend({ display_name: z.string(), audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [
      req.id ?? null,
      p.key ?? null,
      p.value ?? null,
      p.contact_id ?? null,
      p.source ?? null,
      p.confirmed ?? null,
      p.contact_ids ?? null,
    ]
    const columns = ATTRIBUTE_COLUMNS.split(',')
      .map((c) => `a.${c.trim()}`)
      .join(', ')
    return listPage(ctx.db, req, { keys: ['a.key', 'a.id'], types: ['text', 'uuid'] }, args, {
      columns: `${columns}, c.display_name`,
      from: 'attributes a join contacts c on c.id = a.contact_id',
      where: `($1::uuid is null or a.id = $1)
         and ($2::text is null or a.key = $2)
         and ($3::text is null or ${attributeValueMatches('a', '$3')})
         and ($4::uuid is null or a.contact_id = $4)
         and ($5::text is null or a.source = $5)
         and ($6::text is null or (a.confirmed_at is not null) = ($6 = 'true'))
         and ($7::uuid[] is null or a.contact_id = any($7))`,
    })
  },
})
