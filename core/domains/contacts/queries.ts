import { z } from 'zod'
import { decodeCursor, pageOf } from '../../pagination.js'
import { defineQuery } from '../../registry.js'
import { CONTACT_COLUMNS } from './model.js'

/** Customers by id, or a list filtered by name words and status. */
export const contactsQuery = defineQuery({
  type: 'contacts',
  description: 'Contacts (customers). Filters: q (name, typo-tolerant), status (active|inactive|archived; default: all but archived).',
  entity: 'contact',
  keywords: ['customers', 'clients', 'people'],
  params: z.object({
    q: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['active', 'inactive', 'archived']).optional(),
  }),
  async run(ctx, req) {
    const { q, status } = req.params
    const args: unknown[] = [req.id ?? null, status ?? null, q ?? null]
    let after = ''
    if (req.cursor) {
      const [createdAt, id] = decodeCursor(req.cursor, 2)
      args.push(createdAt, id)
      after = `and (created_at, id) > ($4::timestamptz, $5::uuid)`
    }
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `select ${CONTACT_COLUMNS}, created_at::text as _sort_at from contacts
       where ($1::uuid is null or id = $1)
         and (case when $2::text is null then ($1::uuid is not null or status <> 'archived') else status = $2 end)
         and ($3::text is null or display_name ilike '%' || $3 || '%' or display_name % $3 or $3 <% display_name)
         ${after}
       order by created_at, id limit $${args.length}`, args)
    return pageOf(r.rows, req.limit, (row) => [row._sort_at, row.id])
  },
})
