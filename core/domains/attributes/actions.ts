import { z } from 'zod'
import { personIdOf } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { AppError, validationError, missingReference } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteJson } from '../../kernel/sanitize.js'
import { ATTRIBUTE_COLUMNS, ATTRIBUTE_KEY, ATTRIBUTE_RECORD } from './model.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'

const key = z.string().trim().regex(ATTRIBUTE_KEY, 'expected snake_case starting with a letter, e.g. has_pets or customer_demographic')

/** Locks the contact, so two requests setting the same key of one contact take turns; NOT_FOUND when it does not exist. */
async function lockContactRow(tx: Queryable, id: string) {
  const r = await tx.query('select id from contacts where id = $1 for update', [id])
  if (!r.rows[0]) throw missingReference('contact', id, 'data.contact_id')
}

/** Records a fact about a contact, or changes it when the key is already set. */
export const setAttribute = defineAction({
  key: 'attribute.set',
  phrases: [
    'remember a fact about a customer',
    'they have a dog',
    'the house has screens on every window',
    'gate code or access details for the property',
    'tag',
    'fact',
    'property',
    'customer detail',
  ],
  title: 'Note a fact about a customer',
  place: BY_AGENT_OR_API,
  words: { phrase: 'record a fact about a customer (gate code, pet name)' },
  description:
    'Set a fact about a contact under a snake_case key, e.g. customer_demographic "elderly", has_screens true, pets ["dog"]. ' +
    'value is any JSON except null (remove with attribute.remove). Setting an existing key replaces its value. ' +
    'source: note | ticket_closeout | manual | import; confidence 0..1; confirmed true records who confirmed it (a person; null for agents). ' +
    'When the value changes and confirmed is not given, an earlier confirmation is cleared. Card numbers and SSNs in text values are redacted.',
  access: { agent: 'unrestricted', technician: 'assigned' },
  idempotent: true,
  input: z.strictObject({
    contact_id: z.uuid(),
    key,
    value: noteJson().describe('Any JSON value: "elderly", true, 12, ["dog", "cat"]'),
    source: z.enum(['note', 'ticket_closeout', 'manual', 'import']).default('manual'),
    confidence: z.number().min(0).max(1).nullable().optional().describe('How sure the fact is, 0 to 1'),
    confirmed: z.boolean().optional().describe('true: a person checked it; false: clears a confirmation'),
    ticket_id: z.uuid().optional().describe('The ticket the fact was learned from'),
  }),
  output: ATTRIBUTE_RECORD,
  async run(ctx, input) {
    if (input.value === null)
      throw validationError([{ field: 'data.value', message: 'must not be null; remove the attribute with attribute.remove' }])
    await lockContactRow(ctx.db, input.contact_id)
    if (input.ticket_id) {
      const t = await ctx.db.query('select 1 from tickets where id = $1', [input.ticket_id])
      if (!t.rows[0]) throw missingReference('ticket', input.ticket_id, 'data.ticket_id')
    }
    const found = await ctx.db.query(`select ${ATTRIBUTE_COLUMNS} from attributes where contact_id = $1 and key = $2`, [
      input.contact_id,
      input.key,
    ])
    const before = found.rows[0] ?? null
    const valueChanged = !before || JSON.stringify(before.value) !== JSON.stringify(input.value)
    const confirmer = personIdOf(ctx.actor)
    const confirmation =
      input.confirmed === true
        ? { by: confirmer, at: 'now()' }
        : input.confirmed === false || valueChanged
          ? { by: null, at: 'null' }
          : { by: before?.confirmed_by ?? null, at: 'confirmed_at' }
    const args = [
      JSON.stringify(input.value),
      input.source,
      input.confidence !== undefined ? input.confidence : (before?.confidence ?? null),
      confirmation.by,
      input.ticket_id ?? before?.source_ticket_id ?? null,
    ]
    const r = before
      ? await ctx.db.query(
          `update attributes set value = $1, source = $2, confidence = $3, confirmed_by = $4, confirmed_at = ${confirmation.at},
           source_ticket_id = $5 where id = $6 returning ${ATTRIBUTE_COLUMNS}`,
          [...args, before.id],
        )
      : await ctx.db.query(
          `insert into attributes (value, source, confidence, confirmed_by, confirmed_at, source_ticket_id, tenant_id, contact_id, key)
         values ($1, $2, $3, $4, ${confirmation.at === 'confirmed_at' ? 'null' : confirmation.at}, $5, $6, $7, $8)
         returning ${ATTRIBUTE_COLUMNS}`,
          [...args, ctx.tenantId, input.contact_id, input.key],
        )
    const after = r.rows[0]
    await ctx.audit({ entityType: 'attribute', entityId: String(after.id), action: before ? 'update' : 'create', before, after })
    return after
  },
})

/** Removes a fact from a contact. */
export const removeAttribute = defineAction({
  key: 'attribute.remove',
  title: 'Remove a fact about a customer',
  place: BY_AGENT_OR_API,
  words: { phrase: 'remove a fact about a customer' },
  description: 'Remove the attribute with this key from a contact (the audit trail keeps its last value).',
  access: { agent: 'unrestricted', technician: 'none' },
  destructive: true,
  input: z.strictObject({ contact_id: z.uuid(), key }),
  output: ATTRIBUTE_RECORD.extend({ removed: z.literal(true) }),
  async run(ctx, input) {
    const r = await ctx.db.query(`delete from attributes where contact_id = $1 and key = $2 returning ${ATTRIBUTE_COLUMNS}`, [
      input.contact_id,
      input.key,
    ])
    if (!r.rows[0]) {
      throw new AppError('NOT_FOUND', `Contact ${input.contact_id} has no attribute ${input.key}`, {
        field: 'data.key',
        contact_id: input.contact_id,
        key: input.key,
      })
    }
    await ctx.audit({ entityType: 'attribute', entityId: String(r.rows[0].id), action: 'remove', before: r.rows[0], after: null })
    return { ...r.rows[0], removed: true }
  },
})
