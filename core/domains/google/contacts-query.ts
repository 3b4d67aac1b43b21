import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'
import { afterCursor, pageOf } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'

/** A Google contact linked to a customer, as the owner and the agent read it. */
export const GOOGLE_CONTACT_RECORD = z.object({
  id: z.uuid().describe('The customer (contact id) the Google contact became or was matched to'),
  name: z.string().describe("The customer's name"),
  resource_name: z.string().describe("The contact's resource name in Google (people/c…)"),
  state: z
    .enum(['linked', 'deleted_in_google'])
    .describe('linked: changes in Google come in; deleted_in_google: deleted there, the customer stays here'),
  deleted_in_google_at: timestamp.nullable(),
  read_at: timestamp.describe('When the contact was last read from Google'),
})

/** The Google contacts brought in as customers, and those since deleted in Google; a merged customer shows as the one it joined. */
export const googleContactsQuery = defineQuery({
  type: 'google_contacts',
  description:
    "The owner's Google contacts brought in as customers (google.import_contacts, then the Google sync), most recently " +
    'read first: id (the customer), name, resource_name, state (linked: changes made in Google come in; deleted_in_google: ' +
    'deleted in Google, the customer kept here). Filter: state. Empty before the first import.',
  phrases: ['google', 'contacts', 'address book', 'imported customers', 'deleted in google'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ state: z.enum(['linked', 'deleted_in_google']).optional() }),
  record: GOOGLE_CONTACT_RECORD,
  async run(ctx, req) {
    const args: unknown[] = [req.id ?? null, req.params.state ?? null]
    const after = afterCursor(args, req.cursor, 'and (g.read_at, g.resource_name) <', ['timestamptz', 'text'])
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `select coalesce(m.id, c.id) as id, coalesce(m.display_name, c.display_name) as name, g.resource_name,
         case when g.deleted_in_google_at is null then 'linked' else 'deleted_in_google' end as state,
         g.deleted_in_google_at, g.read_at, g.read_at::text as _sort_at
       from google_contacts g join contacts c on c.id = g.contact_id left join contacts m on m.id = c.merged_into
       where ($1::uuid is null or $1 in (c.id, m.id))
         and ($2::text is null or ($2 = 'linked') = (g.deleted_in_google_at is null))
         ${after}
       order by g.read_at desc, g.resource_name desc limit $${args.length}`,
      args,
    )
    return pageOf(r.rows, req.limit, (row) => [row._sort_at, row.resource_name])
  },
})
