import { z } from 'zod'
import { validationError, missingReference } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { auditedStatement } from '../../vocabulary/records.js'
import { CONTACT_COLUMNS, CONTACT_TABLE, tagSchema, uniqueTags } from './model.js'
import { customer } from '../../vocabulary/places.js'

const tags = z.array(tagSchema).max(50)

/** Adds and removes tags on many customers in one call, e.g. to mark this spring's route. */
export const tagContacts = defineAction({
  key: 'contact.tag',
  phrases: [
    'tag customers',
    'label a group of customers',
    'tag everyone in a town or street',
    'bulk tag',
    'label customers',
    'mark customers',
    'segment',
  ],
  title: 'Tag customers',
  place: customer('Edit, then Tags'),
  description:
    'Add and/or remove tags on many contacts at once: contact_ids (1 to 500), tags_add, tags_remove (lower case). ' +
    "Other tags stay. A bulk action: an agent naming more than 5 contacts waits for the owner's approval. " +
    'Returns how many contacts changed.',
  access: { agent: 'unrestricted', technician: 'none', bulk: (input) => new Set(input.contact_ids).size },
  idempotent: true,
  input: z.strictObject({
    contact_ids: z.array(z.uuid()).min(1).max(500),
    tags_add: tags.optional().describe('Tags to add to each contact'),
    tags_remove: tags.optional().describe('Tags to remove from each contact'),
  }),
  output: z.object({
    changed: z.number().int(),
    contact_ids: z.array(z.uuid()),
    tags_add: z.array(z.string()),
    tags_remove: z.array(z.string()),
  }),
  async run(ctx, input) {
    if (!input.tags_add?.length && !input.tags_remove?.length) {
      throw validationError([{ field: 'data.tags_add', message: 'give tags_add or tags_remove (or both) with at least one tag' }])
    }
    const ids = [...new Set(input.contact_ids)]
    // Locked in id order, so two bulk calls over the same contacts cannot deadlock.
    const r = await ctx.db.query(`select ${CONTACT_COLUMNS} from contacts where id = any($1::uuid[]) order by id for update`, [ids])
    const found = new Map(r.rows.map((row) => [String(row.id), row]))
    const missing = ids.find((id) => !found.has(id))
    if (missing) throw missingReference('contact', missing, 'data.contact_ids')
    const removed = new Set(input.tags_remove ?? [])
    const changed: string[] = []
    for (const id of ids) {
      const before = found.get(id) as Record<string, unknown>
      const old = before.tags as string[]
      const next = uniqueTags([...old, ...(input.tags_add ?? [])]).filter((t) => !removed.has(t))
      if (next.length === old.length && next.every((t, i) => t === old[i])) continue
      const sql = `update contacts set tags = $1::text[] where id = $2 returning ${CONTACT_COLUMNS}`
      await auditedStatement(ctx, CONTACT_TABLE, before, 'update', sql, [next, id])
      changed.push(id)
    }
    return { changed: changed.length, contact_ids: changed, tags_add: input.tags_add ?? [], tags_remove: input.tags_remove ?? [] }
  },
})
