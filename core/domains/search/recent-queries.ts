import { z } from 'zod'
import { defineQuery } from '../../kernel/registry.js'
import { timestamp } from '../../kernel/output-types.js'

/** The customers added or changed most recently: what an empty search box offers first. */
export const recentContactsQuery = defineQuery({
  type: 'recent_contacts',
  phrases: ['newest customers', 'customers added lately', 'recent customers', 'latest customers', 'last changed'],
  description:
    'The customers (contacts) added or changed most recently, newest first, archived and merged ones left out: ' +
    'id, display_name, phone, email, updated_at. Only the first page (limit); no filters.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: z.object({
    id: z.uuid(),
    display_name: z.string(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    updated_at: timestamp,
  }),
  async run(ctx, req) {
    const r = await ctx.db.query(
      `select c.id, c.display_name, c.phone, c.email, c.updated_at from contacts c
       where ($1::uuid is null or c.id = $1) and c.archived_at is null and c.merged_into is null
       order by c.updated_at desc, c.id desc limit $2`,
      [req.id ?? null, req.limit],
    )
    return { items: r.rows, next_cursor: null }
  },
})
