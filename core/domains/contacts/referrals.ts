import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { defineQuery } from '../../kernel/registry.js'
import { LINK_STRENGTHS } from './model.js'

/** How many levels a referral chain is followed by default, and at most. */
const DEFAULT_DEPTH = 3
const MAX_DEPTH = 5
const DEPTHS = ['1', '2', '3', '4', '5'] as const

const PERSON = { id: z.uuid(), display_name: z.string(), depth: z.number().int().min(1), strength: z.enum(LINK_STRENGTHS) }

type Row = { id: string; display_name: string; depth: number; strength: string; via: string }

/**
 * The contacts reached from one by referred_by links, level by level up to `depth` (and one level more, to tell whether
 * the chain goes on): downward the people it referred, upward who referred it. A contact met twice counts once, at
 * its nearest level; the path a row was reached by is never walked again, so a loop ends.
 */
async function walk(db: Queryable, contactId: string, depth: number, way: 'down' | 'up'): Promise<Row[]> {
  const [near, far] = way === 'down' ? ['to_contact_id', 'from_contact_id'] : ['from_contact_id', 'to_contact_id']
  const r = await db.query<Row>(
    `with recursive chain (id, via, strength, depth, path) as (
       select l.${far}, l.${near}, l.strength, 1, array[l.${near}, l.${far}]
         from contact_links l where l.${near} = $1 and l.link_type = 'referred_by'
       union all
       select l.${far}, l.${near}, l.strength, c.depth + 1, c.path || l.${far}
         from chain c join contact_links l on l.${near} = c.id and l.link_type = 'referred_by'
        where c.depth <= $2 and not l.${far} = any(c.path)
     )
     select distinct on (ch.id) ch.id, o.display_name, ch.via, ch.strength, ch.depth
       from chain ch join contacts o on o.id = ch.id
      where ch.id <> $1
      order by ch.id, ch.depth, ch.via`,
    [contactId, depth],
  )
  return r.rows.sort((a, b) => a.depth - b.depth || a.display_name.localeCompare(b.display_name) || a.id.localeCompare(b.id))
}

/** Who a customer brought to the business, and who they brought in turn; and who brought the customer. */
export const referralsQuery = defineQuery({
  type: 'referrals',
  phrases: ['who referred this customer', 'referral chain', 'who referred', 'referred by', 'word of mouth', 'brought us'],
  description:
    'Referral chains of one contact (contact_id, required), from referred_by links, as one item (none when there is no such ' +
    `contact). referrals: the people this contact referred (depth 1), whom those referred (depth 2), and so on up to depth (1-${MAX_DEPTH}, ` +
    `default ${DEFAULT_DEPTH}), each with referred_by_id; referred_by: who referred this contact (depth 1), who referred them, and so on, ` +
    'each with referred_id. counts: referred_directly, referred_in_total, by_depth. more_beyond_depth: the chain goes on past depth. ' +
    'Each contact appears once, at its nearest depth; loops end.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    contact_id: z.uuid(),
    depth: z.enum(DEPTHS, { error: `expected a whole number from 1 to ${MAX_DEPTH}` }).optional(),
  }),
  record: z.object({
    contact: z.object({ id: z.uuid(), display_name: z.string() }),
    depth: z.number().int().describe('How many levels were followed each way'),
    referrals: z.array(z.object({ ...PERSON, referred_by_id: z.uuid().describe('Who referred this one: the contact itself at depth 1') })),
    referred_by: z.array(z.object({ ...PERSON, referred_id: z.uuid().describe('Whom this one referred: the contact itself at depth 1') })),
    counts: z.object({
      referred_directly: z.number().int(),
      referred_in_total: z.number().int().describe('Everyone in referrals'),
      by_depth: z.array(z.number().int()).describe('How many referrals at depth 1, 2, ...'),
    }),
    more_beyond_depth: z.object({ referrals: z.boolean(), referred_by: z.boolean() }),
  }),
  async run(ctx, req) {
    const contactId = req.params.contact_id
    const depth = Number(req.params.depth ?? DEFAULT_DEPTH)
    const contact = (
      await ctx.db.query<{ id: string; display_name: string }>('select id, display_name from contacts where id = $1', [contactId])
    ).rows[0]
    // As any list: a contact this business does not have is no record, not an error.
    if (!contact) return { items: [], next_cursor: null }
    const down = await walk(ctx.db, contactId, depth, 'down')
    const up = await walk(ctx.db, contactId, depth, 'up')
    const shown = (rows: Row[]) => rows.filter((r) => r.depth <= depth)
    const referrals = shown(down).map(({ via, ...r }) => ({ ...r, referred_by_id: via }))
    const referredBy = shown(up).map(({ via, ...r }) => ({ ...r, referred_id: via }))
    const byDepth = Array.from({ length: depth }, (_, i) => referrals.filter((r) => r.depth === i + 1).length)
    while (byDepth.length && byDepth[byDepth.length - 1] === 0) byDepth.pop()
    const item = {
      contact,
      depth,
      referrals,
      referred_by: referredBy,
      counts: { referred_directly: byDepth[0] ?? 0, referred_in_total: referrals.length, by_depth: byDepth },
      more_beyond_depth: { referrals: down.length > referrals.length, referred_by: up.length > referredBy.length },
    }
    return { items: [item], next_cursor: null }
  },
})
