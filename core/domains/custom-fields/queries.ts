import { z } from 'zod'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { listPage } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { APPLIES_TO, DEFINITION_COLUMNS, DEFINITION_RECORD } from './model.js'

/** The fields the business added to its customers and tickets. */
export const customFieldsQuery = defineQuery({
  type: 'custom_fields',
  description:
    "The business's own fields on customers and tickets, in the order shown. Each: id, applies_to (contact: every customer; " +
    'person or organization: customers of that kind; ticket), key (what values are stored under: custom_fields {key: value} on ' +
    'contact and ticket create/update), label, field_type (text|number|date|choice|yes_no), options (choice), required, archived_at. ' +
    'Filters: applies_to, archived=true (only archived; default: not archived).',
  entity: 'custom_field',
  phrases: ['custom fields', 'extra fields', 'form fields', 'field definitions'],
  access: { agent: 'unrestricted', technician: 'all' },
  params: z.object({
    applies_to: z.enum(APPLIES_TO).optional().describe('Only the fields of contact, person, organization or ticket'),
    archived: z.enum(['true', 'false']).optional().describe('true: only archived fields; default: those in use'),
  }),
  record: DEFINITION_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [req.id ?? null, p.applies_to ?? null, req.id ? null : p.archived === 'true']
    return listPage(ctx.db, req, { keys: ['position', 'key'], types: ['int', 'text'] }, args, {
      columns: DEFINITION_COLUMNS,
      from: 'custom_field_definitions',
      where: `($1::uuid is null or id = $1)
         and ($2::text is null or applies_to = $2)
         and ($3::boolean is null or (archived_at is not null) = $3)`,
    })
  },
})
